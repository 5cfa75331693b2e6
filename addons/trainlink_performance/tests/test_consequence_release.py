import json
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common_contribution import GROUP_SYNC, ContributionCase
from .test_ui import RUN_STEPS_JS, click, see

REVIEW = "trainlink_performance.mail_activity_type_review_effect"


@tagged("post_install", "-at_install")
class TestConsequenceRelease(ContributionCase):
    """The company releases consequences by hand: an insufficient effect
    waits in Consequences to Release, grouped by its reviewer, until a
    training officer releases it (then the review, the retraining and the
    improvement plan are arranged and each reviewer gets one summary) or
    dismisses it (then nothing is arranged)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.trainlink_hold_consequences = True
        cls.user_pia = cls._user("tl_pia", "trainlink_performance.group_trainlink_user")
        cls.pia = cls.env["hr.employee"].create(
            {
                "name": "Pia",
                "user_id": cls.user_pia.id,
                "parent_id": cls.eric.id,
                "department_id": cls.department.id,
            }
        )
        cls.pia_training = cls._completed_attendance(cls.pia)

    def setUp(self):
        super().setUp()
        hook = patch.object(
            self.registry["trainlink.contribution"],
            "_trainlink_pip_due",
            autospec=True,
            return_value=True,
        )
        self.pip_hook = hook.start()
        self.addCleanup(hook.stop)

    def _insufficient(self):
        """Emma's and Pia's revenue fell 10 % net of peers: both insufficient
        on evidence, an improvement plan due for both."""
        return self._contribution(post_value=90.0) | self._contribution(
            attendance=self.pia_training, post_value=90.0
        )

    def _reviews(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "trainlink.attendance"),
                ("res_id", "in", (self.attendance | self.pia_training).ids),
                ("activity_type_id", "=", self.env.ref(REVIEW).id),
            ]
        )

    def _messages_to(self, user):
        return self.env["mail.message"].search(
            [
                ("partner_ids", "in", user.partner_id.ids),
                ("message_type", "in", ("user_notification", "notification")),
                ("model", "=", False),  # not about one record: a summary
            ]
        )

    def test_a_new_company_releases_consequences_by_hand(self):
        company = self.env["res.company"].create({"name": "TL New Co"})
        self.assertTrue(company.trainlink_hold_consequences)

    def test_insufficient_effects_wait_for_release_with_their_reviewer(self):
        contributions = self._insufficient()
        self.assertEqual(set(contributions.mapped("rating")), {"insufficient"})
        self.assertEqual(set(contributions.mapped("consequence_state")), {"pending"})
        self.assertEqual(contributions.consequence_reviewer_id, self.user_eric)
        self.assertTrue(all(contributions.mapped("pip_due")))
        self.assertEqual(
            contributions[0].consequence_summary,
            "review with the manager, retraining, and improvement plan",
        )
        # Nothing arranged, nobody told, no plan opened.
        self.assertFalse(self._reviews())
        self.assertFalse(contributions.retrain_need_id)
        self.assertFalse(contributions.retrain_attendance_id)
        self.assertFalse(self._messages_to(self.user_eric))
        self.pip_hook.assert_not_called()

    def test_release_arranges_everything_and_tells_each_reviewer_once(self):
        contributions = self._insufficient()
        contributions.with_user(self.user_officer).action_release_consequences()
        self.assertEqual(set(contributions.mapped("consequence_state")), {"released"})
        reviews = self._reviews()
        self.assertEqual(len(reviews), 2, "one review per training")
        self.assertEqual(reviews.user_id, self.user_eric)
        self.assertEqual(
            contributions.retrain_need_id.employee_ids, self.emma | self.pia
        )
        # One summary for Eric listing both trainings, not one per activity.
        messages = self._messages_to(self.user_eric)
        self.assertEqual(len(messages), 1)
        self.assertIn("Training effects to review: 2", messages.subject)
        for text in ("Emma", "Pia", "Negotiation", "-10.0 %", "Training need raised"):
            self.assertIn(text, str(messages.body))
        per_activity = self.env["mail.message"].search(
            [
                ("partner_ids", "in", self.user_eric.partner_id.ids),
                ("model", "=", "trainlink.attendance"),
            ]
        )
        self.assertFalse(per_activity, "no message per assigned activity")
        # The improvement plans follow the release, once.
        self.pip_hook.assert_called_once()
        self.assertEqual(self.pip_hook.call_args.args[0], contributions)

    def test_release_applies_to_pending_effects_only(self):
        contributions = self._insufficient()
        contributions[0].with_user(self.user_officer).action_release_consequences()
        self.assertEqual(
            contributions.mapped("consequence_state"), ["released", "pending"]
        )
        contributions.with_user(self.user_officer).action_release_consequences()
        self.assertEqual(len(self._reviews()), 2)
        self.assertEqual(len(self._messages_to(self.user_eric)), 2)
        self.assertEqual(self.pip_hook.call_count, 2, "one call per release")

    def test_dismissed_effects_arrange_nothing_until_a_relapse(self):
        emma, _pia = self._insufficient()
        emma.with_user(self.user_officer).action_dismiss_consequences()
        self.assertEqual(emma.consequence_state, "dismissed")
        emma.with_user(self.user_officer).action_reapply_rules()
        self.assertEqual(emma.consequence_state, "dismissed", "still insufficient")
        self.assertFalse(self._reviews())
        self.assertFalse(emma.retrain_need_id)
        self.pip_hook.assert_not_called()
        emma.post_value = 110.0  # recovers ...
        self.assertFalse(emma.consequence_state)
        self.assertFalse(emma.consequence_reviewer_id)
        emma.post_value = 85.0  # ... and relapses: a new decision is due
        self.assertEqual(emma.consequence_state, "pending")

    def test_an_effect_that_recovers_before_release_leaves_the_list(self):
        emma, _pia = self._insufficient()
        emma.post_value = 110.0
        self.assertEqual(emma.rating, "good")
        self.assertFalse(emma.consequence_state)
        pending = self.Contribution.search([("consequence_state", "=", "pending")])
        self.assertNotIn(emma, pending)

    def test_without_consequences_in_the_rule_nothing_waits(self):
        self.default_rule.write(
            {"review_activity": False, "retrain": False, "improvement_plan": False}
        )
        contribution = self._contribution(post_value=90.0)
        self.assertEqual(contribution.rating, "insufficient")
        self.assertFalse(contribution.consequence_state)

    def test_the_run_shows_what_it_would_trigger(self):
        run = self.env["trainlink.sync.run"].create({"source": "worker"})
        self.Contribution.with_user(self.user_sync).api_upsert(
            [self._api_row(post_value=90.0, net_lift_se=1.0)], run_id=run.id
        )
        self.assertEqual(run.consequence_pending_count, 1)
        action = run.action_open_pending_consequences()
        pending = self.Contribution.search(action["domain"])
        self.assertEqual(pending.employee_id, self.emma)
        self.assertEqual(pending.consequence_state, "pending")

    # -- who decides ---------------------------------------------------------

    def test_only_training_officers_release_or_dismiss(self):
        contributions = self._insufficient()
        user_peer = self._user("tl_peer", "trainlink_performance.group_trainlink_user")
        user_sync = self._user("tl_sync2", GROUP_SYNC)
        for user in (
            self.user_emma,
            user_peer,
            self.user_eric,
            self.user_mia,
            user_sync,
        ):
            for action in (
                "action_release_consequences",
                "action_dismiss_consequences",
            ):
                with self.subTest(user=user.login, action=action):
                    with self.assertRaises(AccessError):
                        getattr(contributions.with_user(user), action)()
        self.assertEqual(set(contributions.mapped("consequence_state")), {"pending"})
        self.assertFalse(self._reviews())
        # An HR officer is a training officer.
        contributions[0].with_user(self.user_hr).action_dismiss_consequences()
        self.assertEqual(contributions[0].consequence_state, "dismissed")

    def test_nobody_decides_the_consequences_of_their_own_training(self):
        self.eric.user_id = self.user_officer  # the officer is Emma's manager
        self.emma.user_id = self.user_hr  # and the HR officer is Emma
        contribution = self._contribution(post_value=90.0)
        for action in ("action_release_consequences", "action_dismiss_consequences"):
            with self.subTest(action=action):
                with self.assertRaisesRegex(AccessError, "your own training"):
                    getattr(contribution.with_user(self.user_hr), action)()
        self.assertEqual(contribution.consequence_state, "pending")
        contribution.with_user(self.user_officer).action_release_consequences()
        self.assertEqual(contribution.consequence_state, "released")

    def test_nobody_writes_the_consequence_state_by_hand(self):
        contribution = self._contribution(post_value=90.0)
        for user in (self.user_officer, self.user_admin, self.user_sync):
            for vals in (
                {"consequence_state": "dismissed"},
                {"consequence_reviewer_id": user.id},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError):
                        contribution.with_user(user).write(vals)
        self.assertEqual(contribution.consequence_state, "pending")
        with self.assertRaises(AccessError):
            self.Contribution.with_user(self.user_officer).create(
                self._contribution_vals(
                    self.pia_training, post_value=90.0, consequence_state="dismissed"
                )
            )
        self.assertFalse(
            self.Contribution.search([("attendance_id", "=", self.pia_training.id)])
        )

    def test_only_officers_see_what_a_run_held(self):
        run = self.env["trainlink.sync.run"].create({"source": "worker"})
        self.Contribution.with_user(self.user_sync).api_upsert(
            [self._api_row(post_value=90.0, net_lift_se=1.0)], run_id=run.id
        )
        for user in (self.user_emma, self.user_pia, self.user_eric, self.user_mia):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                run.with_user(user).read(["consequence_pending_count"])
        seen = run.with_user(self.user_hr).read(["consequence_pending_count"])
        self.assertEqual(seen[0]["consequence_pending_count"], 1)


@tagged("post_install", "-at_install")
class TestConsequenceReleaseUi(ContributionCase, HttpCase):
    """A training officer finds what waits, grouped by manager, and releases
    it from the list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.trainlink_hold_consequences = True
        cls.contribution = cls._contribution(post_value=90.0)

    def test_officer_releases_from_the_grouped_list(self):
        self.assertEqual(self.contribution.consequence_state, "pending")
        self.browser_js(
            "/odoo/action-trainlink_performance.trainlink_contribution_action_consequences",
            RUN_STEPS_JS
            % json.dumps(
                [
                    click(".o_group_header", "tl_eric"),
                    see(".o_data_row", "review with the manager"),
                    click(".o_data_row .o_list_record_selector input"),
                    click(".o_control_panel_actions button", "Release"),
                    see(".o_view_nocontent", "No consequences awaiting release"),
                ]
            ),
            login="tl_officer",
        )
        self.assertEqual(self.contribution.consequence_state, "released")
        self.assertTrue(self.contribution.retrain_need_id)
