"""18.0.1.2.0: the consequences of an insufficient effect have a state
(awaiting release, released, dismissed) instead of a flag saying they were
arranged. What was arranged before is released; the old column is dropped."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "trainlink_contribution", "consequences_applied"):
        return
    cr.execute(
        """
        UPDATE trainlink_contribution
           SET consequence_state = 'released'
         WHERE consequences_applied AND consequence_state IS NULL
        """
    )
    cr.execute("ALTER TABLE trainlink_contribution DROP COLUMN consequences_applied")
