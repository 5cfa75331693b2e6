from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import format_list


class TrainlinkGuardedMixin(models.AbstractModel):
    """Who may change a state, an approval, a score or a rating is decided by
    the methods that change it, in one place per model.

    `_trainlink_guarded_fields` are written only by those methods: they check
    the caller, then write as superuser. A plain create or write of such a
    field is refused, whatever the access rights and record rules allow, so
    an RPC call cannot do what a button refuses.

    `_trainlink_personal_fields` may be written by the roles the access rules
    allow, but never on a record about the writer themselves (nobody scores
    or rates themselves); nor is such a record deleted by the person it is
    about. `_trainlink_concerned_field` names the employee (or employees) a
    record is about.
    """

    _name = "trainlink.guarded.mixin"
    _description = "TrainLink: fields changed through their actions only"

    _trainlink_guarded_fields = frozenset()
    _trainlink_personal_fields = frozenset()
    _trainlink_concerned_field = "employee_id"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._trainlink_check_guarded(vals)
        records = super().create(vals_list)
        if not self.env.su and any(
            self._trainlink_personal_fields & vals.keys() for vals in vals_list
        ):
            records._trainlink_check_not_concerned()
        return records

    def write(self, vals):
        personal = not self.env.su and self._trainlink_personal_fields & vals.keys()
        if not self.env.su:
            self._trainlink_check_guarded(vals)
            if personal:
                self._trainlink_check_not_concerned()
        result = super().write(vals)
        if personal and self._trainlink_concerned_field in vals:
            # Nor may a record be moved onto oneself.
            self._trainlink_check_not_concerned()
        return result

    def unlink(self):
        if not self.env.su and self._trainlink_personal_fields:
            self._trainlink_check_not_concerned()
        return super().unlink()

    def _trainlink_check_guarded(self, field_names):
        guarded = self._trainlink_guarded_fields & set(field_names)
        if guarded:
            raise AccessError(
                _(
                    "%(fields)s of a %(model)s change through its buttons only, "
                    "which check who may do it.",
                    fields=self._trainlink_field_labels(guarded),
                    model=self._description,
                )
            )

    def _trainlink_check_not_concerned(self):
        """Refuse when the current user is the person a record is about."""
        if self.env.su:
            return
        user = self.env.user
        for record in self.sudo():
            if user in record[self._trainlink_concerned_field].user_id:
                raise AccessError(
                    _(
                        "%(record)s is about you: nobody approves, scores or "
                        "rates their own records.",
                        record=record.display_name,
                    )
                )

    def _trainlink_field_labels(self, field_names):
        return format_list(
            self.env,
            sorted(
                self._fields[name].get_description(self.env)["string"]
                for name in field_names
                if name in self._fields
            ),
        )
