"""SQL shared by the reports of several add-ons."""

from odoo.tools import SQL


def course_share_query(group_query):
    """SQL of a view comparing, for each course, the share of a group of
    employees (award winners, the promoted) who completed it with the share
    of all active employees of the same company who did.

    `group_query` (an SQL object) selects the group's distinct `employee_id`. The view's
    columns: id, course_id, company_id, group_trained (members who took the
    course), group_size, group_share and employee_share (%), ratio (group
    share / all share) and min_group_size (the company's minimum group size,
    under which the group is too small to compare); courses of companies
    without any member are left out."""
    return SQL(
        """
        WITH trained AS (
            SELECT DISTINCT a.course_id, a.employee_id, e.company_id
            FROM trainlink_attendance a
            JOIN hr_employee e ON e.id = a.employee_id
            WHERE a.state = 'completed' AND e.active
        ), members AS (
            %s
        ), totals AS (
            SELECT e.company_id,
                   COUNT(*) AS employees,
                   COUNT(m.employee_id) AS members
            FROM hr_employee e
            LEFT JOIN members m ON m.employee_id = e.id
            WHERE e.active
            GROUP BY e.company_id
        )
        SELECT row_number() OVER (ORDER BY t.course_id, t.company_id) AS id,
               t.course_id,
               t.company_id,
               COUNT(m.employee_id) AS group_trained,
               MAX(s.members) AS group_size,
               100.0 * COUNT(m.employee_id) / NULLIF(MAX(s.members), 0)
                   AS group_share,
               100.0 * COUNT(*) / NULLIF(MAX(s.employees), 0) AS employee_share,
               (COUNT(m.employee_id)::float / NULLIF(MAX(s.members), 0))
               / NULLIF(COUNT(*)::float / NULLIF(MAX(s.employees), 0), 0) AS ratio,
               MAX(co.trainlink_min_group_size) AS min_group_size
        FROM trained t
        JOIN totals s ON s.company_id = t.company_id
        JOIN res_company co ON co.id = t.company_id
        LEFT JOIN members m ON m.employee_id = t.employee_id
        GROUP BY t.course_id, t.company_id
        HAVING MAX(s.members) > 0
        """,
        group_query,
    )
