from odoo.tests import tagged

from odoo.addons.trainlink_award.tests.common import AwardCase


@tagged("post_install", "-at_install")
class TestOpenPlanBlocksTheAward(AwardCase):
    def setUp(self):
        super().setUp()
        self.plan = self.env["trainlink.improvement.plan"].create(
            {"name": "Revenue back on target", "employee_id": self.pia.id}
        )

    def _pia(self):
        return self.campaign.candidate_ids.filtered(lambda c: c.employee_id == self.pia)

    def test_an_open_improvement_plan_blocks(self):
        self.campaign.action_open()
        self.assertTrue(self._pia().blocked)
        self.assertEqual(self._pia().block_reason, "open improvement plan")
        emma = self.campaign.candidate_ids.filtered(
            lambda c: c.employee_id == self.emma
        )
        self.assertFalse(emma.blocked)

    def test_a_closed_plan_or_a_campaign_that_does_not_ask_blocks_nothing(self):
        self.campaign.block_open_improvement_plan = False
        self.campaign.action_open()
        self.assertFalse(self._pia().blocked)
        self.campaign.block_open_improvement_plan = True
        self.plan.sudo().closed = True
        self.campaign.action_recompute()
        self.assertFalse(self._pia().blocked)
