import json
import re
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.translate import code_translations

FILES = "trainlink_analytics_dashboard/data/files/"
DASHBOARD_FILE = FILES + "trainlink_program_dashboard.json"
SAMPLE_FILE = FILES + "trainlink_program_sample_dashboard.json"
# =PIVOT.VALUE(1,"value","indicator","participation"), =ODOO.LIST(1,3,"roi")...
PIVOT_VALUE = re.compile(r'PIVOT\.VALUE\((\d+),"(\w+)"((?:,"[^"]*")*)\)')
PIVOT_HEADER = re.compile(r'PIVOT\.HEADER\((\d+)((?:,"[^"]*"(?:,\d+)?)*)\)')
ODOO_LIST = re.compile(r'ODOO\.LIST\((\d+),(\d+),"(\w+)"\)')


@tagged("post_install", "-at_install")
class TestProgramDashboard(TransactionCase):
    """The program overview ships as a spreadsheet dashboard, as Odoo ships its
    own: these tests read its JSON as the Dashboards app does and check that
    every figure it asks for exists and can be read by an HR officer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(
            "trainlink_analytics_dashboard.spreadsheet_dashboard_training_program"
        )
        cls.data = json.loads(cls.dashboard.spreadsheet_data)
        cls.hr_officer = new_test_user(
            cls.env,
            login="tl_dash_hr_officer",
            groups="base.group_user,hr.group_hr_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="tl_dash_manager",
            groups="base.group_user,trainlink_performance.group_trainlink_manager",
        )
        cls.employee = new_test_user(
            cls.env, login="tl_dash_employee", groups="base.group_user"
        )
        cls.cells = {
            ref: cell["content"]
            for sheet in cls.data["sheets"]
            for ref, cell in sheet["cells"].items()
        }
        # Conditional formats compare cells with formulas too.
        cls.formulas = dict(cls.cells)
        for sheet in cls.data["sheets"]:
            for rule in sheet["conditionalFormats"]:
                for n, value in enumerate(rule["rule"].get("values", [])):
                    cls.formulas[f"{rule['ranges'][0]} rule {n}"] = value

    def _fields(self, model):
        return self.env[model].with_user(self.hr_officer).fields_get()

    def _check_field_path(self, model, path):
        """`path` ("date", "date:year", "company_id") names a field of `model`."""
        name, _sep, granularity = path.partition(":")
        fields = self._fields(model)
        self.assertIn(name, fields, f"{model} has no field {name}")
        if granularity:
            self.assertIn(fields[name]["type"], ("date", "datetime"), path)
        return fields[name]

    def _data_sources(self):
        """(kind, model, fieldMatching) of every pivot, list and Odoo chart."""
        for pivot in self.data["pivots"].values():
            yield "pivot", pivot["model"], pivot["fieldMatching"]
        for odoo_list in self.data["lists"].values():
            yield "list", odoo_list["model"], odoo_list["fieldMatching"]
        for chart in self._odoo_charts():
            yield "chart", chart["metaData"]["resModel"], chart["fieldMatching"]

    def _odoo_charts(self):
        return [
            figure["data"]
            for sheet in self.data["sheets"]
            for figure in sheet["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]

    # ----------------------------------------------------------- the record

    def test_dashboard_is_published_in_human_resources(self):
        self.assertEqual(self.dashboard.name, "Training Program Overview")
        self.assertTrue(self.dashboard.is_published)
        self.assertEqual(
            self.dashboard.dashboard_group_id,
            self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_hr"),
        )
        self.assertEqual(
            self.dashboard.main_data_model_ids.mapped("model"),
            ["trainlink.program.indicator"],
        )

    def test_only_officers_see_the_dashboard(self):
        self.assertEqual(
            self.dashboard.group_ids,
            self.env.ref("trainlink_performance.group_trainlink_officer"),
        )
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(self.dashboard, Dashboard.with_user(self.hr_officer).search([]))
        self.assertNotIn(self.dashboard, Dashboard.with_user(self.manager).search([]))
        self.assertNotIn(self.dashboard, Dashboard.with_user(self.employee).search([]))

    def test_hr_officer_loads_the_dashboard(self):
        dashboard = self.dashboard.with_user(self.hr_officer)
        result = dashboard.get_readonly_dashboard()
        self.assertNotIn("is_sample", result)
        sheet = result["snapshot"]["sheets"][0]
        self.assertEqual(sheet["name"], "Program Overview")
        self.assertEqual(sheet["cells"]["A7"]["content"][:17], "[Program Targets]")

    def test_stored_spreadsheet_is_the_shipped_file(self):
        with file_open(DASHBOARD_FILE) as f:
            self.assertEqual(self.data, json.load(f))

    def test_sample_while_the_program_has_no_figure(self):
        """Without a target row the app shows the sample: the same layout with
        made-up values, reading nothing from the database."""
        Indicator = self.registry["trainlink.program.indicator"]
        with patch.object(Indicator, "search_count", return_value=0):
            result = self.dashboard.with_user(self.hr_officer).get_readonly_dashboard()
        self.assertTrue(result["is_sample"])
        with file_open(SAMPLE_FILE) as f:
            sample = json.load(f)
        self.assertEqual(result["snapshot"], sample)
        self.assertFalse(sample["pivots"] or sample["lists"] or sample["globalFilters"])
        sample_cells = {
            ref: cell["content"] for ref, cell in sample["sheets"][0]["cells"].items()
        }
        self.assertFalse(
            [c for c in sample_cells.values() if "PIVOT" in c or "ODOO." in c]
        )
        real_labels = {ref: c for ref, c in self.cells.items() if ref.startswith("A")}
        for ref, label in real_labels.items():
            if label.startswith(("=_t(", "[")):
                self.assertEqual(sample_cells[ref], label, ref)
        self.assertFalse(
            [
                f["data"]["type"]
                for sheet in sample["sheets"]
                for f in sheet["figures"]
                if f["data"]["type"].startswith("odoo_")
            ]
        )

    # ------------------------------------------------------------ the data

    def test_every_indicator_has_its_row(self):
        """One row per indicator of the model, each reading its own value."""
        codes = [
            code
            for code, _label in self._fields("trainlink.program.indicator")[
                "indicator"
            ]["selection"]
        ]
        for code in codes:
            for measure in ("value", "goal", "previous_value", "trend"):
                self.assertIn(
                    f'=PIVOT.VALUE(1,"{measure}","indicator","{code}")',
                    self.cells.values(),
                    f"no {measure} of {code}",
                )

    def test_pivots_name_existing_fields_and_measures(self):
        for pivot in self.data["pivots"].values():
            model = pivot["model"]
            for group in pivot["rows"] + pivot["columns"]:
                field = self._check_field_path(model, group["fieldName"])
                self.assertTrue(field["groupable"], f"{model}.{group['fieldName']}")
            for measure in pivot["measures"]:
                if measure["fieldName"] == "__count":
                    continue
                field = self._check_field_path(model, measure["fieldName"])
                self.assertIn(field["type"], ("integer", "float", "monetary"))
                self.assertTrue(
                    field.get("aggregator"), f"{model}.{measure['fieldName']}"
                )

    def test_lists_name_existing_columns_and_order(self):
        for odoo_list in self.data["lists"].values():
            model = odoo_list["model"]
            for column in odoo_list["columns"]:
                self._check_field_path(model, column)
            for order in odoo_list["orderBy"]:
                field = self._check_field_path(model, order["name"])
                self.assertTrue(field["sortable"], order["name"])

    def test_charts_name_existing_measures_and_groups(self):
        charts = self._odoo_charts()
        self.assertTrue(charts)
        for chart in charts:
            model = chart["metaData"]["resModel"]
            self._check_field_path(model, chart["metaData"]["measure"])
            for group in chart["metaData"]["groupBy"]:
                self._check_field_path(model, group)

    def test_charts_open_existing_menus(self):
        figures = {
            figure["id"] for sheet in self.data["sheets"] for figure in sheet["figures"]
        }
        references = self.data["chartOdooMenusReferences"]
        self.assertEqual(set(references), figures)
        for xmlid in references.values():
            self.assertEqual(self.env.ref(xmlid)._name, "ir.ui.menu", xmlid)

    def test_global_filters_match_fields_of_every_source(self):
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        self.assertEqual({f["label"] for f in filters.values()}, {"Year", "Company"})
        for kind, model, matching in self._data_sources():
            for filter_id, match in matching.items():
                self.assertIn(filter_id, filters, f"{kind} of {model}")
                field = self._check_field_path(model, match["chain"])
                global_filter = filters[filter_id]
                if global_filter["type"] == "relation":
                    self.assertEqual(field["relation"], global_filter["modelName"])
                else:
                    self.assertEqual(field["type"], global_filter["type"])

    def test_formulas_use_defined_pivots_lists_and_measures(self):
        pivots, lists = self.data["pivots"], self.data["lists"]
        seen = set()
        for ref, content in self.formulas.items():
            for pivot_id, measure, _domain in PIVOT_VALUE.findall(content):
                seen.add(("pivot", pivot_id))
                self.assertIn(pivot_id, pivots, ref)
                self.assertIn(
                    measure, [m["id"] for m in pivots[pivot_id]["measures"]], ref
                )
            for pivot_id, _domain in PIVOT_HEADER.findall(content):
                seen.add(("pivot", pivot_id))
                self.assertIn(pivot_id, pivots, ref)
            for list_id, _index, field_name in ODOO_LIST.findall(content):
                seen.add(("list", list_id))
                self.assertIn(list_id, lists, ref)
                self.assertIn(field_name, lists[list_id]["columns"], ref)
        self.assertEqual(
            seen,
            {("pivot", pid) for pid in pivots} | {("list", lid) for lid in lists},
            "every pivot and list is shown somewhere",
        )

    def test_hr_officer_reads_every_source(self):
        """What the dashboard asks the server for, an HR officer may read."""
        for pivot in self.data["pivots"].values():
            Model = self.env[pivot["model"]].with_user(self.hr_officer)
            measures = [
                m["fieldName"] for m in pivot["measures"] if m["fieldName"] != "__count"
            ]
            groupby = [g["fieldName"] for g in pivot["rows"] + pivot["columns"]]
            Model.read_group(pivot["domain"], measures, groupby, lazy=False)
        for odoo_list in self.data["lists"].values():
            Model = self.env[odoo_list["model"]].with_user(self.hr_officer)
            Model.search_read(odoo_list["domain"], odoo_list["columns"], limit=10)
        for chart in self._odoo_charts():
            meta = chart["metaData"]
            Model = self.env[meta["resModel"]].with_user(self.hr_officer)
            Model.read_group(
                chart["searchParams"]["domain"], [meta["measure"]], meta["groupBy"]
            )

    # --------------------------------------------------------- translations

    def test_dashboard_reads_in_chinese(self):
        """The record's name comes from the add-on's zh_CN.po; the sheet's
        texts (=_t("..."), titles, filters) are served to the browser as
        its web translations, as for Odoo's own dashboards."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["trainlink_analytics_dashboard"], ["zh_CN"], overwrite=True
        )
        self.assertEqual(self.dashboard.with_context(lang="zh_CN").name, "培训项目概览")
        messages = {
            message["id"]: message["string"]
            for message in code_translations.get_web_translations(
                "trainlink_analytics_dashboard", "zh_CN"
            )["messages"]
        }
        self.assertEqual(messages["Program Targets"], "培训项目目标")
        self.assertEqual(messages["vs. last year"], "较上一年")
        self.assertEqual(messages["Year"], "年度")
