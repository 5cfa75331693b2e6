from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DevelopmentCase


@tagged("post_install", "-at_install")
class TestTrainingProposal(DevelopmentCase):
    """Proposals worked out by hand from the band of a confirmed score."""

    def test_good_band_proposes_higher_levels_of_the_job_family(self):
        # Emma completed Negotiation (junior) and is enrolled in Sales
        # Leadership: Key Accounts (middle) is what is left above junior.
        self._attendance(self.emma, self.course)
        self._attendance(self.emma, self.sales_leadership, state="enrolled")
        _score, proposals = self._propose(self.emma, "good")
        self.assertEqual(proposals.course_id, self.key_accounts)
        self.assertEqual(set(proposals.mapped("kind")), {"advanced"})
        self.assertEqual(proposals.band, "good")
        self.assertIn("Key Accounts", proposals.reason)

    def test_meets_band_skips_levels_already_reached(self):
        self._attendance(self.emma, self.key_accounts)
        _score, proposals = self._propose(self.emma, "meets")
        self.assertEqual(proposals.course_id, self.sales_leadership)

    def test_below_band_proposes_a_diagnosis_then_junior_courses(self):
        _score, proposals = self._propose(self.emma, "below")
        diagnosis = proposals.filtered(lambda p: p.kind == "diagnosis")
        remedial = proposals - diagnosis
        self.assertEqual(len(diagnosis), 1)
        self.assertFalse(diagnosis.course_id)
        self.assertEqual(remedial.course_id, self.course | self.sales_basics)
        self.assertEqual(set(remedial.mapped("kind")), {"remedial"})
        self.assertEqual(remedial.diagnosis_id, diagnosis)
        self.assertTrue(all(remedial.mapped("waiting_diagnosis")))

    def test_below_band_targets_the_courses_of_the_kpis_below_target(self):
        # Revenue 60 against an agreed target of 100: below target on revenue,
        # which Negotiation moves; Sales Basics moves no KPI.
        self.env["trainlink.kpi.target"].create(
            {
                "kpi_id": self.kpi_revenue.id,
                "level": "employee",
                "employee_id": self.emma.id,
                "period_type": "quarter",
                "period_start": "2026-01-01",
                "target_value": 100.0,
                "state": "agreed",
            }
        )
        self._kpi_value(self.emma, self.kpi_revenue, "2026-02-01", "2026-02-28", 60.0)
        _score, proposals = self._propose(self.emma, "below")
        remedial = proposals.filtered(lambda p: p.kind == "remedial")
        self.assertEqual(remedial.course_id, self.course)
        self.assertEqual(remedial.kpi_id, self.kpi_revenue)
        self.assertIn("Revenue", remedial.reason)

    def test_remedial_waits_for_the_diagnosis_and_attitude_dismisses_it(self):
        _score, proposals = self._propose(self.emma, "below")
        diagnosis = proposals.filtered(lambda p: p.kind == "diagnosis")
        remedial = proposals - diagnosis
        with self.assertRaisesRegex(UserError, "decide the diagnosis"):
            remedial[0].with_user(self.user_eric).action_accept()
        with self.assertRaisesRegex(UserError, "ability or of attitude"):
            diagnosis.with_user(self.user_eric).action_accept()
        diagnosis.with_user(self.user_eric).action_diagnose_attitude()
        self.assertEqual(diagnosis.state, "accepted")
        self.assertEqual(diagnosis.diagnosis, "attitude")
        self.assertEqual(diagnosis.decided_by_id, self.user_eric)
        self.assertEqual(set(remedial.mapped("state")), {"dismissed"})
        self.assertIn("attitude", remedial[0].dismiss_reason)
        with self.assertRaisesRegex(UserError, "already decided"):
            remedial[0].with_user(self.user_eric).action_accept()

    def test_ability_keeps_the_remedial_courses_acceptable(self):
        _score, proposals = self._propose(self.emma, "below")
        diagnosis = proposals.filtered(lambda p: p.kind == "diagnosis")
        remedial = proposals - diagnosis
        diagnosis.with_user(self.user_eric).action_diagnose_ability()
        self.assertEqual(diagnosis.diagnosis, "ability")
        self.assertEqual(set(remedial.mapped("state")), {"proposed"})
        remedial[0].with_user(self.user_eric).action_accept()
        self.assertEqual(remedial[0].state, "accepted")

    def test_excellent_band_proposes_forward_looking_courses(self):
        _score, proposals = self._propose(self.emma, "excellent")
        self.assertEqual(
            proposals.course_id, self.sales_leadership | self.leading_teams
        )
        self.assertEqual(set(proposals.mapped("kind")), {"forward"})

    def test_no_verdict_without_target_data(self):
        for band, start in (("training_only", "2026-01-01"), ("no_data", "2026-04-01")):
            with self.subTest(band=band):
                _score, proposals = self._propose(self.emma, band, start=start)
                self.assertFalse(proposals)

    def test_draft_scores_propose_nothing(self):
        score = self._score(self.emma, "good")
        score.state = "draft"
        self.assertFalse(self.Proposal._propose_from_scores(score))

    def test_running_again_duplicates_nothing(self):
        score, proposals = self._propose(self.emma, "below")
        self.assertEqual(len(proposals), 3)
        self.assertFalse(self.Proposal._propose_from_scores(score))
        # A dismissed proposal does not come back from the same score.
        remedial = proposals.filtered(lambda p: p.kind == "remedial")[0]
        proposals.filtered(lambda p: p.kind == "diagnosis").with_user(
            self.user_eric
        ).action_diagnose_ability()
        remedial.with_user(self.user_eric)._dismiss("Already coached on it")
        self.assertFalse(self.Proposal._propose_from_scores(score))
        # A later score does not duplicate the open ones either.
        _later, more = self._propose(self.emma, "below", start="2026-04-01")
        self.assertEqual(more.course_id, remedial.course_id)
        self.assertEqual(more.diagnosis_id.kind, "diagnosis")
        self.assertEqual(
            self.Proposal.search_count([("employee_id", "=", self.emma.id)]), 5
        )

    def test_the_cron_uses_the_latest_confirmed_score(self):
        self._score(self.emma, "below", start="2025-10-01")
        self._score(self.emma, "excellent", start="2026-01-01")
        proposals = self.Proposal._cron_propose()
        mine = proposals.filtered(lambda p: p.employee_id == self.emma)
        self.assertEqual(set(mine.mapped("kind")), {"forward"})

    def test_accept_creates_the_training_need(self):
        _score, proposals = self._propose(self.emma, "good")
        proposal = proposals.filtered(lambda p: p.course_id == self.key_accounts)
        proposal.with_user(self.user_eric).action_accept()
        need = proposal.need_id
        self.assertEqual(proposal.state, "accepted")
        self.assertEqual(proposal.decided_by_id, self.user_eric)
        self.assertTrue(proposal.decision_date)
        self.assertEqual(need.source, "competency")
        self.assertEqual(need.employee_ids, self.emma)
        self.assertEqual(need.course_id, self.key_accounts)
        self.assertEqual(need.job_id, self.job_sales)
        self.assertEqual(need.department_id, self.department)
        self.assertEqual(need.state, "new")
        self.assertIn("Key Accounts", need.name)

    def test_accept_passes_the_kpi_to_the_need(self):
        self.env["trainlink.kpi.target"].create(
            {
                "kpi_id": self.kpi_revenue.id,
                "employee_id": self.emma.id,
                "period_type": "quarter",
                "period_start": "2026-01-01",
                "target_value": 100.0,
                "state": "agreed",
            }
        )
        self._kpi_value(self.emma, self.kpi_revenue, "2026-02-01", "2026-02-28", 60.0)
        _score, proposals = self._propose(self.emma, "below")
        proposals.filtered(lambda p: p.kind == "diagnosis").with_user(
            self.user_officer
        ).action_diagnose_ability()
        remedial = proposals.filtered(lambda p: p.kind == "remedial")
        remedial.with_user(self.user_officer).action_accept()
        self.assertEqual(remedial.need_id.kpi_id, self.kpi_revenue)

    def test_dismiss_needs_a_reason(self):
        _score, proposals = self._propose(self.emma, "excellent")
        proposal = proposals[0]
        with self.assertRaisesRegex(UserError, "Say why"):
            proposal.with_user(self.user_eric)._dismiss("  ")
        self.assertEqual(proposal.state, "proposed")
        action = proposal.with_user(self.user_eric).action_dismiss()
        self.assertEqual(action["res_model"], "trainlink.proposal.dismiss")
        wizard = (
            self.env["trainlink.proposal.dismiss"]
            .with_user(self.user_eric)
            .with_context(**action["context"])
            .create({"reason": "Not this year"})
        )
        wizard.action_confirm()
        self.assertEqual(proposal.state, "dismissed")
        self.assertEqual(proposal.dismiss_reason, "Not this year")

    def test_the_score_button_is_for_officers_and_confirmed_scores(self):
        score = self._score(self.emma, "good")
        action = score.with_user(self.user_officer).action_propose_training()
        self.assertEqual(action["res_model"], "trainlink.training.proposal")
        self.assertEqual(score.training_proposal_count, 2)
        with self.assertRaises(UserError):
            score.with_user(self.user_eric).action_propose_training()
        draft = self._score(self.otto, "good")
        draft.state = "draft"
        with self.assertRaisesRegex(UserError, "confirm the score"):
            draft.with_user(self.user_officer).action_propose_training()


@tagged("post_install", "-at_install")
class TestTrainingProposalBadInput(DevelopmentCase):
    def test_a_diagnosis_proposes_no_course(self):
        with self.assertRaisesRegex(ValidationError, "a diagnosis proposes no course"):
            self.Proposal.create(
                {
                    "employee_id": self.emma.id,
                    "kind": "diagnosis",
                    "course_id": self.course.id,
                }
            )

    def test_a_course_proposal_names_its_course(self):
        with self.assertRaisesRegex(ValidationError, "choose the proposed course"):
            self.Proposal.create({"employee_id": self.emma.id, "kind": "advanced"})
