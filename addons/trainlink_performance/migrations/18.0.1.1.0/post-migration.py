"""18.0.1.1.0: the sync user goes through the sync API only, and creating a
training need no longer makes it the manager's.

The record rules below were created under noupdate, so an upgrade alone would
keep them: remove them here. Their replacements come with the new data."""

from odoo import SUPERUSER_ID, api

OBSOLETE_RULES = (
    "trainlink_performance.trainlink_kpi_value_rule_sync",
    "trainlink_performance.trainlink_contribution_rule_sync",
    "trainlink_performance.trainlink_need_rule_manager",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in OBSOLETE_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.unlink()
