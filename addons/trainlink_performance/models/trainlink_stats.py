"""Student's t quantiles for the intervals of measured effects, without
SciPy (which Odoo does not ship): a table of the two-sided 95 % and 99 %
critical values, interpolated linearly in 1/df between its rows, as printed
statistical tables are read. Exact at the tabulated degrees of freedom,
within 0.5 % between them."""

import math
from bisect import bisect_left

# df: (95 %, 99 %) two-sided critical values.
T_TABLE = {
    1: (12.706, 63.657),
    2: (4.303, 9.925),
    3: (3.182, 5.841),
    4: (2.776, 4.604),
    5: (2.571, 4.032),
    6: (2.447, 3.707),
    7: (2.365, 3.499),
    8: (2.306, 3.355),
    9: (2.262, 3.250),
    10: (2.228, 3.169),
    12: (2.179, 3.055),
    15: (2.131, 2.947),
    20: (2.086, 2.845),
    25: (2.060, 2.787),
    30: (2.042, 2.750),
    40: (2.021, 2.704),
    60: (2.000, 2.660),
    120: (1.980, 2.617),
}
NORMAL = (1.960, 2.576)
LEVELS = {95: 0, 99: 1}
DFS = sorted(T_TABLE)


def t_critical(dof, level=95):
    """Two-sided critical value of Student's t at `level` % (95 or 99) for
    `dof` degrees of freedom (a float: Welch's are not whole); None below 1."""
    column = LEVELS[level]
    if not dof or dof < 1 or math.isnan(dof):
        return None
    if dof >= DFS[-1]:
        low_df, low = DFS[-1], T_TABLE[DFS[-1]][column]
        # Between 120 and infinity, linear in 1/df towards the normal value.
        share = (1 / low_df - 1 / dof) / (1 / low_df)
        return low + (NORMAL[column] - low) * share
    position = bisect_left(DFS, dof)
    high_df = DFS[position]
    if high_df == dof:
        return T_TABLE[high_df][column]
    low_df = DFS[position - 1]
    low, high = T_TABLE[low_df][column], T_TABLE[high_df][column]
    share = (1 / low_df - 1 / dof) / (1 / low_df - 1 / high_df)
    return low + (high - low) * share


def mean_interval(values, common_variances=(), level=95):
    """(mean, low, high) of a sample's mean with a t interval (n - 1 degrees
    of freedom); the interval is None for fewer than two values.

    `common_variances`: the variance of an error the values share (the
    comparison group's lift, the same for trainees compared with the same
    peers), which their spread does not show: their mean is added, as if
    fully shared (conservative)."""
    count = len(values)
    if not count:
        return None, None, None
    mean = sum(values) / count
    if count < 2:
        return mean, None, None
    variance = sum((value - mean) ** 2 for value in values) / (count - 1)
    shared = sum(common_variances) / len(common_variances) if common_variances else 0
    half = t_critical(count - 1, level) * math.sqrt(variance / count + shared)
    return mean, mean - half, mean + half


def combined_estimate(values, standard_errors, dofs, level=95):
    """(mean, low, high) of the mean of independent estimates, each with its
    own standard error and degrees of freedom (one person's measured effects:
    their spread says nothing about one person's uncertainty). The error of
    the mean is sqrt(sum of squared errors) / n, the t value that of the
    fewest degrees of freedom (conservative); the interval is None when an
    estimate has no error or no degrees of freedom."""
    count = len(values)
    if not count:
        return None, None, None
    mean = sum(values) / count
    critical = t_critical(min(dofs), level) if dofs else None
    if not critical or any(not se or se <= 0 for se in standard_errors):
        return mean, None, None
    half = critical * math.sqrt(sum(se**2 for se in standard_errors)) / count
    return mean, mean - half, mean + half
