"""Static checks of the Odoo add-ons under addons/, without Odoo.

They catch, in seconds, what would otherwise only show up when Odoo installs
the add-on: a file missing from the manifest, a view naming a field that does
not exist, a model without access rules, Odoo < 18 view syntax, missing
translations. Each test checks one rule and names every offending file, model
or field in its failure message.
"""

import ast
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDONS_DIR = REPO_ROOT / "addons"
ADDON_DIRS = sorted(p.parent for p in ADDONS_DIR.glob("*/__manifest__.py"))

# Folders whose files are not loaded through the manifest's data/demo lists.
NOT_DATA_FOLDERS = {"i18n", "static", "tests", "__pycache__"}
# Folders where the add-on defines models.
MODEL_FOLDERS = ("models", "wizard")

# Fields every model has without declaring them.
MAGIC_FIELDS = {
    "id",
    "display_name",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
}
# Fields brought by the core mixins the add-on's models may inherit.
MIXIN_FIELDS = {
    "mail.thread": {
        "message_ids",
        "message_follower_ids",
        "message_partner_ids",
        "message_is_follower",
        "message_attachment_count",
        "message_needaction",
        "message_needaction_counter",
        "message_has_error",
        "message_has_error_counter",
        "message_has_sms_error",
        "has_message",
        "website_message_ids",
        "rating_ids",
    },
    "mail.thread.main.attachment": {"message_main_attachment_id"},
    "mail.activity.mixin": {
        "activity_ids",
        "activity_state",
        "activity_user_id",
        "activity_type_id",
        "activity_type_icon",
        "activity_date_deadline",
        "my_activity_date_deadline",
        "activity_summary",
        "activity_exception_decoration",
        "activity_exception_icon",
        "activity_calendar_event_id",
    },
}

MODEL_BASES = {"Model", "TransientModel", "AbstractModel"}


def addon_id(path):
    return path.name


def for_each_addon(test):
    return pytest.mark.parametrize("addon", ADDON_DIRS, ids=addon_id)(test)


def rel(path):
    return str(Path(path).relative_to(REPO_ROOT))


# ------------------------------------------------------------------ readers --


def read_manifest(addon):
    return ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))


def manifest_files(addon):
    manifest = read_manifest(addon)
    return [*manifest.get("data", []), *manifest.get("demo", [])]


def data_files_on_disk(addon):
    """Every .xml/.csv file of the add-on that the manifest should load."""
    found = []
    for path in sorted(addon.rglob("*")):
        if path.suffix not in {".xml", ".csv"} or not path.is_file():
            continue
        if NOT_DATA_FOLDERS & set(path.relative_to(addon).parts[:-1]):
            continue
        found.append(path)
    return found


def xml_files(addon):
    return [p for p in data_files_on_disk(addon) if p.suffix == ".xml"]


def parse_xml(path):
    return etree.parse(str(path), etree.XMLParser(remove_comments=True))


@dataclass
class ModelInfo:
    name: str
    kind: str  # Model, TransientModel or AbstractModel
    file: Path
    parents: set = field(default_factory=set)
    fields: set = field(default_factory=set)


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _as_set(value):
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return set(value)
    return set()


def _model_base(class_node):
    """'Model', 'TransientModel' or 'AbstractModel' for an Odoo model class."""
    for base in class_node.bases:
        if isinstance(base, ast.Attribute) and base.attr in MODEL_BASES:
            return base.attr
    return None


def _class_fields(class_node):
    """Names assigned from fields.X(...) in the class body."""
    names = set()
    for stmt in class_node.body:
        if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
            continue
        func = stmt.value.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "fields"
        ):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return names


def python_model_classes(addon):
    """(name, inherit, base kind, fields, file) of every model class."""
    classes = []
    for folder in MODEL_FOLDERS:
        for path in sorted((addon / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef) or not _model_base(node):
                    continue
                attrs = {
                    t.id: _literal(stmt.value)
                    for stmt in node.body
                    if isinstance(stmt, ast.Assign)
                    for t in stmt.targets
                    if isinstance(t, ast.Name)
                }
                classes.append(
                    (
                        attrs.get("_name"),
                        _as_set(attrs.get("_inherit")),
                        _model_base(node),
                        _class_fields(node),
                        path,
                    )
                )
    return classes


def own_models(addon):
    """Models the add-on creates (its `_name`s), with their declared fields.

    Classes that only extend a model (no _name, or _name in _inherit) add
    their fields to it when the model is the add-on's own.
    """
    models = {}
    extensions = []
    for name, inherit, kind, fields_, path in python_model_classes(addon):
        if name and name not in inherit:
            info = models.setdefault(name, ModelInfo(name, kind, path))
            info.parents |= inherit
            info.fields |= fields_
        else:
            extensions.append((name or next(iter(inherit), None), fields_))
    for name, fields_ in extensions:
        if name in models:
            models[name].fields |= fields_
    return models


def all_fields(model, models):
    """Declared + inherited + magic field names, or None if a parent is
    unknown (then the model's fields cannot be known statically)."""
    names = set(MAGIC_FIELDS) | model.fields
    for parent in model.parents:
        if parent in models:
            inherited = all_fields(models[parent], models)
            if inherited is None:
                return None
            names |= inherited
        elif parent in MIXIN_FIELDS:
            names |= MIXIN_FIELDS[parent]
        else:
            return None
    return names


def access_rows(addon):
    path = addon / "security" / "ir.model.access.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def access_model_ref(row):
    return (row.get("model_id:id") or row.get("model_id/id") or "").strip()


def xml_model_id(model_name):
    return "model_" + model_name.replace(".", "_")


def view_records(addon):
    """(file, record id, model, arch element) of every ir.ui.view record."""
    for path in xml_files(addon):
        try:
            root = parse_xml(path).getroot()
        except etree.XMLSyntaxError:
            continue  # reported by test_xml_files_are_well_formed
        for record in root.iter("record"):
            if record.get("model") != "ir.ui.view":
                continue
            model = record.find("field[@name='model']")
            arch = record.find("field[@name='arch']")
            if model is None or arch is None:
                continue
            yield path, record.get("id"), (model.text or "").strip(), arch


def top_level_view_fields(arch):
    """<field> elements of a view arch that belong to the view's own model.

    A <field> nested in another <field> (an x2many sub-view, e.g. its <list>
    or <form>) refers to the comodel and is left out.
    """

    def walk(element):
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "field":
                yield child
                continue  # its sub-views describe the comodel
            yield from walk(child)

    yield from walk(arch)


# --------------------------------------------------------------- PO files --


def read_po(path):
    """{msgid: [msgstr, ...]} of a .po/.pot file, with '#, fuzzy' entries'
    msgstr emptied (Odoo does not load fuzzy translations) and obsolete
    ('#~') entries dropped. Strings are compared in their escaped form."""
    entries = {}
    current = {}
    key = None
    fuzzy = False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current and current["msgid"] != "":
            msgid = current.get("msgctxt", "") + "\x04" + current["msgid"]
            strs = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
            entries[msgid] = [""] * len(strs) if fuzzy else strs
        current, fuzzy = {}, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                flush()
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        match = re.match(
            r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line
        )
        if match:
            key = match.group(1)
            # An entry may follow the previous one without a blank line.
            if (key == "msgctxt" and current) or (
                key == "msgid" and "msgid" in current
            ):
                flush()
            current[key] = match.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
    flush()
    return entries


# ------------------------------------------------------------------- tests --


def test_repository_has_addons():
    assert ADDON_DIRS, f"no add-on (folder with __manifest__.py) in {rel(ADDONS_DIR)}"


@for_each_addon
def test_manifest_is_a_python_literal(addon):
    source = (addon / "__manifest__.py").read_text(encoding="utf-8")
    try:
        manifest = ast.literal_eval(source)
    except (ValueError, SyntaxError) as exc:
        pytest.fail(f"{rel(addon)}/__manifest__.py is not a literal dict: {exc}")
    assert isinstance(manifest, dict), f"{rel(addon)}/__manifest__.py is not a dict"


@for_each_addon
def test_manifest_version_is_18_0_x_y_z(addon):
    version = read_manifest(addon).get("version", "")
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", version), (
        f"{rel(addon)}/__manifest__.py: version {version!r} is not 18.0.x.y.z"
    )


@for_each_addon
@pytest.mark.parametrize("key", ["license", "author", "depends"])
def test_manifest_declares_key(addon, key):
    assert read_manifest(addon).get(key), (
        f"{rel(addon)}/__manifest__.py: '{key}' missing or empty"
    )


@for_each_addon
def test_manifest_data_and_demo_files_exist(addon):
    missing = [name for name in manifest_files(addon) if not (addon / name).is_file()]
    assert not missing, (
        f"{rel(addon)}/__manifest__.py lists files that do not exist: {missing}"
    )


@for_each_addon
def test_every_xml_and_csv_file_is_in_the_manifest(addon):
    listed = set(manifest_files(addon))
    unlisted = [
        str(path.relative_to(addon))
        for path in data_files_on_disk(addon)
        if str(path.relative_to(addon)) not in listed
    ]
    assert not unlisted, (
        f"{rel(addon)}: files neither in 'data' nor in 'demo' of the manifest "
        f"(Odoo never loads them): {unlisted}"
    )


@for_each_addon
def test_xml_files_are_well_formed(addon):
    broken = []
    for path in xml_files(addon):
        try:
            parse_xml(path)
        except etree.XMLSyntaxError as exc:
            broken.append(f"{rel(path)}: {exc}")
    assert not broken, "malformed XML:\n" + "\n".join(broken)


@for_each_addon
def test_every_model_has_access_rights(addon):
    referenced = {access_model_ref(row).split(".")[-1] for row in access_rows(addon)}
    missing = [
        f"{info.name} ({rel(info.file)})"
        for info in own_models(addon).values()
        if info.kind != "AbstractModel" and xml_model_id(info.name) not in referenced
    ]
    assert not missing, (
        f"{rel(addon)}/security/ir.model.access.csv has no line for: {missing}"
    )


@for_each_addon
def test_access_rights_refer_to_existing_models(addon):
    own_ids = {xml_model_id(name) for name in own_models(addon)}
    unknown = []
    for line_no, row in enumerate(access_rows(addon), start=2):
        ref = access_model_ref(row)
        module, _, xmlid = ref.rpartition(".")
        if module and module != addon.name:
            continue  # another module's model (base., hr., mail., ...)
        if xmlid not in own_ids:
            unknown.append(f"line {line_no} ({row.get('id')}): {ref!r}")
    assert not unknown, (
        f"{rel(addon)}/security/ir.model.access.csv refers to models the add-on "
        f"does not define: {unknown}"
    )


@for_each_addon
def test_views_only_use_fields_declared_on_their_model(addon):
    models = own_models(addon)
    # Parents may come from another add-on of the module set.
    every_model = {}
    for other in ADDON_DIRS:
        every_model.update(own_models(other))
    every_model.update(models)
    unknown_fields = []
    unknown_parents = []
    for path, record_id, model_name, arch in view_records(addon):
        if model_name not in models:
            continue  # a core model's view: its fields are not known here
        known = all_fields(models[model_name], every_model)
        if known is None:
            unknown_parents.append(f"{record_id} ({model_name})")
            continue
        for element in top_level_view_fields(arch):
            name = element.get("name")
            if name and name not in known:
                unknown_fields.append(
                    f"{rel(path)}:{element.sourceline} view {record_id}: "
                    f"{model_name} has no field {name!r}"
                )
    assert not unknown_fields, "views use undeclared fields:\n" + "\n".join(
        unknown_fields
    )
    assert not unknown_parents, (
        "views of models inheriting a mixin whose fields this test does not know "
        f"(add it to MIXIN_FIELDS): {unknown_parents}"
    )


@for_each_addon
def test_no_tree_views(addon):
    offenders = [
        f"{rel(path)}:{element.sourceline}"
        for path in xml_files(addon)
        for element in _elements(path)
        if element.tag == "tree"
    ]
    assert not offenders, f"<tree> is <list> since Odoo 18: {offenders}"


@for_each_addon
@pytest.mark.parametrize("attribute", ["attrs", "states"])
def test_no_pre_17_view_attributes(addon, attribute):
    offenders = [
        f"{rel(path)}:{element.sourceline} <{element.tag}>"
        for path in xml_files(addon)
        for element in _elements(path)
        if attribute in element.attrib
    ]
    assert not offenders, (
        f"'{attribute}=' is gone since Odoo 17; use invisible/readonly/required "
        f"expressions: {offenders}"
    )


@for_each_addon
def test_actions_do_not_use_tree_view_mode(addon):
    offenders = [
        f"{rel(path)}:{element.sourceline} {element.text!r}"
        for path in xml_files(addon)
        for element in _elements(path)
        if element.tag == "field"
        and element.get("name") == "view_mode"
        and "tree" in (element.text or "").split(",")
    ]
    assert not offenders, f"view_mode 'tree' is 'list' since Odoo 18: {offenders}"


def _elements(path):
    try:
        return [e for e in parse_xml(path).iter() if isinstance(e.tag, str)]
    except etree.XMLSyntaxError:
        return []  # reported by test_xml_files_are_well_formed


@for_each_addon
def test_pot_template_exists(addon):
    pot = addon / "i18n" / f"{addon.name}.pot"
    assert pot.is_file(), (
        f"{rel(pot)} is missing: export it from Odoo (Settings > Translations > "
        f"Export, or odoo-bin --i18n-export) and commit it"
    )


def _python_messages(addon):
    """(file, line, text) of every _("literal") of the add-on's Python code."""
    for path in sorted(addon.rglob("*.py")):
        if "tests" in path.relative_to(addon).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "_lt")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield path, node.lineno, node.args[0].value


def _unescape_po(text):
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text
    )


@for_each_addon
def test_pot_holds_every_message_of_the_python_code(addon):
    """Odoo's extractor silently stops at some constructs (an f-string as an
    argument of _()): the strings after it stay English for everyone."""
    pot = addon / "i18n" / f"{addon.name}.pot"
    if not pot.is_file():
        pytest.skip("no template: reported by test_pot_template_exists")
    known = {_unescape_po(msgid.split("\x04", 1)[1]) for msgid in read_po(pot)}
    missing = [
        f"{rel(path)}:{line}: {text[:60]!r}"
        for path, line, text in _python_messages(addon)
        if text not in known
    ]
    assert not missing, (
        f"{len(missing)} message(s) of the code missing from {rel(pot)} "
        "(regenerate it with scripts/update_pot.sh; if they stay missing, "
        "look for what stops the extractor before them):\n" + "\n".join(missing)
    )


@for_each_addon
def test_zh_cn_translation_exists(addon):
    po = addon / "i18n" / "zh_CN.po"
    assert po.is_file(), f"{rel(po)} is missing"


@for_each_addon
def test_zh_cn_translates_every_term_of_the_template(addon):
    pot = addon / "i18n" / f"{addon.name}.pot"
    po = addon / "i18n" / "zh_CN.po"
    missing_files = [rel(p) for p in (pot, po) if not p.is_file()]
    assert not missing_files, f"cannot compare translations, missing: {missing_files}"
    translations = read_po(po)
    untranslated = [
        msgid.split("\x04", 1)[1]
        for msgid in read_po(pot)
        if not translations.get(msgid) or not all(translations[msgid])
    ]
    assert not untranslated, (
        f"{rel(po)}: {len(untranslated)} term(s) of {rel(pot)} without a "
        f"(non-fuzzy) translation, e.g. {untranslated[:10]}"
    )


@for_each_addon
def test_button_actions_return_a_value(addon):
    """XML-RPC cannot send None back: an action_* method that returns
    nothing runs, then fails for an integrator's client. Each must return
    an action or True."""
    offenders = []
    for folder in MODEL_FOLDERS:
        for path in sorted((addon / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.FunctionDef)
                    and node.name.startswith("action_")
                ):
                    continue
                returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
                bare = [r for r in returns if r.value is None]
                if bare or not isinstance(node.body[-1], ast.Return | ast.Raise):
                    offenders.append(f"{rel(path)}:{node.lineno} {node.name}")
    assert not offenders, f"action methods returning None: {offenders}"
