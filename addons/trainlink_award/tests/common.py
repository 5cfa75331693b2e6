from odoo.addons.trainlink_performance.tests.common import TrainlinkCase

GROUP_SYNC = "trainlink_performance.group_trainlink_sync"
GROUP_MANAGER = "trainlink_performance.group_trainlink_manager"


class AwardCase(TrainlinkCase):
    """The 2026 award of the sales department, on records worked out by hand.

    Emma (reports to Eric): 60 + 36 = 96 training hours in 2026 (a 2025
    training does not count); one case adopted in 2026, reused by two other
    departments (1 + 2 x 0.5 = 2 case units); internal trainer of two 2026
    sessions rated 5, 5 (100 %) and 5, 4 (90 %): 95 % on average; confirmed
    performance scores 80 and 90 in 2026.
    Pia (reports to Eric): 130 hours, no case, one session rated 100 %,
    performance 95."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_pia = cls._user("tl_pia", GROUP_MANAGER)
        cls.pia = cls.env["hr.employee"].create(
            {
                "name": "Pia",
                "user_id": cls.user_pia.id,
                "parent_id": cls.eric.id,
                "department_id": cls.department.id,
            }
        )
        cls.user_hanna = cls._user("tl_hanna", "hr.group_hr_user")
        cls.user_sync = cls._user("tl_sync", GROUP_SYNC)
        cls.third_department = cls.env["hr.department"].create({"name": "TL Service"})
        cls.emma_trainings = cls._trainings(
            cls.emma, [("2026-03-05", 60.0), ("2026-09-10", 36.0)]
        )
        cls.old_training = cls._trainings(cls.emma, [("2025-11-20", 40.0)])
        cls.pia_trainings = cls._trainings(cls.pia, [("2026-05-05", 130.0)])
        cls.case = cls._adopted_case(
            cls.emma_trainings[0],
            "2026-06-01",
            reused=cls.other_department | cls.third_department | cls.department,
        )
        cls.emma_sessions = cls._given_sessions(
            cls.emma, [("2026-04-02", "55"), ("2026-10-02", "54")]
        )
        cls.pia_sessions = cls._given_sessions(cls.pia, [("2026-04-20", "55")])
        cls.emma_scores = cls._scores(
            cls.emma, [("2026-01-01", 80.0), ("2026-04-01", 90.0)]
        )
        cls.pia_scores = cls._scores(cls.pia, [("2026-07-01", 95.0)])
        cls.campaign = cls.env["trainlink.award.campaign"].create(
            {
                "name": "2026 Excellent Employee",
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "department_ids": [(6, 0, cls.department.ids)],
                "weight_training": 30.0,
                "weight_performance": 50.0,
                "criterion_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Manager nomination",
                            "weight": 20.0,
                            "scale_max": 10.0,
                            "evidence": "record",
                            "rated_by": "manager",
                        },
                    )
                ],
            }
        )
        cls.nomination = cls.campaign.criterion_ids

    @classmethod
    def _trainings(cls, employee, dated_hours):
        attendances = cls.env["trainlink.attendance"]
        for day, hours in dated_hours:
            session = cls._session(date_start=day, date_end=day)
            attendances |= attendances.create(
                {
                    "session_id": session.id,
                    "employee_id": employee.id,
                    "state": "completed",
                    "completion_date": day,
                    "hours_credited": hours,
                    "exam_score": 90.0,
                }
            )
        return attendances

    @classmethod
    def _adopted_case(cls, attendance, day, reused):
        plan = cls._plan(attendance, date_start="2026-03-09", date_end="2026-05-31")
        return cls.env["trainlink.practice.case"].create(
            {
                "name": "Key account closing script",
                "plan_id": plan.id,
                "state": "approved",
                "adopted": True,
                "adoption_date": day,
                "reused_by_department_ids": [(6, 0, reused.ids)],
            }
        )

    @classmethod
    def _given_sessions(cls, trainer, dated_ratings):
        """Sessions the employee gave; each digit of the ratings string is one
        attendee's satisfaction."""
        sessions = cls.env["trainlink.session"]
        for day, ratings in dated_ratings:
            session = cls._session(
                date_start=day,
                date_end=day,
                trainer_type="internal",
                trainer_id=trainer.id,
            )
            for index, rating in enumerate(ratings):
                attendee = cls.env["hr.employee"].create(
                    {"name": f"Attendee {day} {index}"}
                )
                cls.env["trainlink.attendance"].create(
                    {
                        "session_id": session.id,
                        "employee_id": attendee.id,
                        "state": "completed",
                        "satisfaction": rating,
                    }
                )
            sessions |= session
        return sessions

    @classmethod
    def _scores(cls, employee, dated_scores):
        Score = cls.env["trainlink.performance.score"]
        return Score.create(
            [
                {
                    "employee_id": employee.id,
                    "period_type": "quarter",
                    "period_start": start,
                    "state": "confirmed",
                    "final_score": value,
                }
                for start, value in dated_scores
            ]
        )

    def _candidate(self, employee):
        return self.campaign.candidate_ids.filtered(lambda c: c.employee_id == employee)

    def _rate(self, candidate, points, user=None, **values):
        return (
            self.env["trainlink.award.rating"]
            .with_user(user or self.user_eric)
            .create(
                {
                    "candidate_id": candidate.id,
                    "criterion_id": self.nomination.id,
                    "points": points,
                    "evidence_ref": f"trainlink.practice.case,{self.case.id}",
                    **values,
                }
            )
        )
