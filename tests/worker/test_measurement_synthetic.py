"""The contribution measure on synthetic panels with a known answer (seeded):
the effect is recovered, noise gives no verdicts, small or changing peer
groups and trainees picked for a dip do not fool it, and the money adds up.
Ratings are applied as the ERP's default rule does (excellent from 15 %,
fair from 0 %, a plan only on the 99 % interval), with the ERP's t table."""

import pytest
from synthetic import Panel, course_interval, net_lifts, verdicts


def _verdict_count(rows):
    ratings, plans = verdicts(rows)
    judged = sum(rating in ("excellent", "insufficient") for rating in ratings)
    return judged, sum(plans)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pooled_course_effect_recovers_the_injected_effect(seed):
    panel = Panel(seed, effect=0.10, noise=0.05)
    rows = panel.measure()
    mean, low, high = course_interval(rows)
    assert low <= panel.true_net_lift() <= high
    assert mean == pytest.approx(panel.true_net_lift(), abs=1.5)
    assert (rows["peer_count"] == 100).all()


@pytest.mark.parametrize("noise", [0.12, 0.02])
def test_no_effect_gives_almost_no_verdicts_and_no_improvement_plan(noise):
    judged, planned = 0, 0
    for seed in range(10):
        counts = _verdict_count(
            Panel(seed, people=60, trainees=30, noise=noise).measure()
        )
        judged, planned = judged + counts[0], planned + counts[1]
    assert judged <= 0.05 * 300, f"{judged} verdicts of 300 trainees"
    assert planned == 0


def test_a_real_effect_still_gets_verdicts():
    rows = Panel(4, effect=0.30, noise=0.05).measure()
    ratings, _plans = verdicts(rows)
    assert ratings.count("excellent") >= 50


@pytest.mark.parametrize("peers", [[], [150], [150, 151, 152, 153]])
def test_empty_and_tiny_comparison_groups_give_no_rating(peers):
    rows = Panel(5, effect=0.10, noise=0.05).measure(peers=peers)
    assert (rows["peer_count"] == len(peers)).all()
    ratings, plans = verdicts(rows)
    assert set(ratings) == {"inconclusive"}
    assert not any(plans)


def test_people_joining_during_the_windows_do_not_move_the_comparison():
    panel = Panel(6, noise=0.05)
    rows = panel.measure(hires=50)  # twice the usual sales, from April
    assert (rows["peer_count"] == 100).all(), "no baseline: not a peer"
    _mean, low, high = course_interval(rows)
    assert low <= 0 <= high


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_trainees_picked_for_a_dip_show_no_spurious_lift(seed):
    """The 30 of 400 whose sales fell most below their usual level, and no
    effect: they recover anyway. Against all peers that recovery looks like
    a +15 % course effect; against peers of a similar dip most of it goes,
    and nobody gets a verdict."""
    panel = Panel(seed, people=400, noise=0.12).select_dips(30)
    naive, _low, _high = course_interval(panel.measure(prior=False))
    rows = panel.measure()
    assert rows["baseline_matched"].all()
    matched, low, _high = course_interval(rows)
    assert naive > 10
    assert matched < 0.3 * naive
    assert low < 0.5
    assert _verdict_count(rows) == (0, 0)


def test_dip_selection_leaves_no_lift_beyond_its_interval_over_many_panels():
    """Over 20 panels of 400 with no effect, trainees picked for their dip:
    the naive comparison shows about +14 points; matched on their baseline,
    what is left averages under a point and a half (0.8 on 40 panels: the
    peers' regression is extrapolated to the deepest dips), and every course
    interval contains zero."""
    means, covered = [], 0
    for seed in range(100, 120):
        panel = Panel(seed, people=400, noise=0.12).select_dips(30)
        mean, low, high = course_interval(panel.measure())
        means.append(mean)
        covered += low <= 0 <= high
    assert abs(sum(means) / len(means)) < 1.5
    assert covered == len(means)


def test_benefit_matches_the_money_injected():
    panel = Panel(8, people=1000, trainees=500, effect=0.10, noise=0.05)
    rows = panel.measure()
    # The ERP's benefit: net lift % x baseline per month x post months x 1.0
    benefit = sum(
        net / 100 * base * months
        for net, base, months in zip(
            net_lifts(rows), rows["baseline_value"], rows["post_points"], strict=True
        )
    )
    assert benefit == pytest.approx(panel.injected_money(), rel=0.05)
