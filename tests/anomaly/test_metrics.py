"""Classification and localisation metrics of attn_helpers.anomaly.metrics, checked against sklearn
and against loops written out by hand."""
import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from attn_helpers.anomaly import metrics


def labels_and_scores(seed=0, n=300, ties=False):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    scores = rng.normal(labels * 1.0, 1.0)
    if ties:
        scores = np.round(scores, 1)  # many tied scores across the two classes
    return labels, scores


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_auc_matches_sklearn(seed, ties):
    labels, scores = labels_and_scores(seed, ties=ties)
    assert metrics.roc_auc(labels, scores) == pytest.approx(skm.roc_auc_score(labels, scores), abs=1e-12)


def test_roc_auc_accepts_tensors_and_is_invariant_to_monotone_transforms():
    labels, scores = labels_and_scores(3)
    probs = 1 / (1 + np.exp(-scores))
    assert metrics.roc_auc(torch.tensor(labels), torch.tensor(probs)) == pytest.approx(metrics.roc_auc(labels, scores))


@pytest.mark.parametrize("ties", [False, True])
def test_roc_curve_matches_sklearn(ties):
    labels, scores = labels_and_scores(4, ties=ties)
    fpr, tpr, thresholds = metrics.roc_curve(labels, scores)
    sk_fpr, sk_tpr, sk_thr = skm.roc_curve(labels, scores, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    np.testing.assert_allclose(thresholds[1:], sk_thr[1:])
    assert thresholds[0] == np.inf
    assert np.trapezoid(tpr, fpr) == pytest.approx(metrics.roc_auc(labels, scores))


def test_auc_of_thresholded_predictions_is_balanced_accuracy():
    # The confusion matrix the blog post published: [[1002, 14], [31, 953]] and its "ROC AUC 0.9774".
    labels = np.r_[np.zeros(1016, int), np.ones(984, int)]
    predicted = np.r_[np.zeros(1002, int), np.ones(14, int), np.zeros(31, int), np.ones(953, int)]
    np.testing.assert_array_equal(metrics.confusion_matrix(labels, predicted), [[1002, 14], [31, 953]])
    assert metrics.roc_auc(labels, predicted) == pytest.approx(metrics.balanced_accuracy(labels, predicted))
    assert round(metrics.balanced_accuracy(labels, predicted), 4) == 0.9774
    assert metrics.balanced_accuracy(labels, predicted) == pytest.approx(skm.balanced_accuracy_score(labels, predicted))


def test_classification_report_matches_sklearn():
    labels, scores = labels_and_scores(5)
    probs = 1 / (1 + np.exp(-scores))
    report = metrics.classification_report(labels, probs)
    predicted = probs >= 0.5
    assert report["accuracy"] == pytest.approx(skm.accuracy_score(labels, predicted))
    assert report["precision"] == pytest.approx(skm.precision_score(labels, predicted))
    assert report["recall"] == pytest.approx(skm.recall_score(labels, predicted))
    assert report["f1"] == pytest.approx(skm.f1_score(labels, predicted))
    assert report["roc_auc"] == pytest.approx(skm.roc_auc_score(labels, probs))
    np.testing.assert_array_equal(metrics.confusion_matrix(labels, predicted.astype(int)),
                                  skm.confusion_matrix(labels, predicted))


def test_nothing_predicted_positive_gives_zero_precision_and_f1():
    report = metrics.classification_report([0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4])
    assert report["precision"] == 0.0 and report["f1"] == 0.0 and report["recall"] == 0.0


@pytest.mark.parametrize("call, match", [
    (lambda: metrics.roc_auc([0, 0, 0], [0.1, 0.2, 0.3]), "both classes"),
    (lambda: metrics.roc_auc([0, 2, 1], [0.1, 0.2, 0.3]), "labels"),
    (lambda: metrics.roc_auc([0, 1, 1], [0.1, 0.2]), "scores"),
    (lambda: metrics.classification_report([0, 1], [0.2, 1.5]), "probabilities"),
    (lambda: metrics.classification_report([0, 1], [0.2, 0.5], threshold=1.0), "threshold"),
    (lambda: metrics.confusion_matrix([0, 1], [1, 1, 0]), "same shape"),
])
def test_bad_labels_scores_and_thresholds_raise_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def attention(seed=0, n=6, time=40):
    rng = np.random.default_rng(seed)
    weights = rng.random((n, time))
    weights /= weights.sum(1, keepdims=True)
    loc = rng.integers(0, 30, n)
    length = rng.integers(1, time - loc + 1)
    return weights, loc, length


def test_mass_in_section_matches_a_loop():
    weights, loc, length = attention()
    expected = [sum(weights[i, t] for t in range(loc[i], loc[i] + length[i])) for i in range(len(weights))]
    np.testing.assert_allclose(metrics.attention_mass_in_section(weights, loc, length), expected)


def test_uniform_attention_puts_the_section_share_in_the_section():
    weights = np.full((3, 50), 1 / 50)
    mass = metrics.attention_mass_in_section(weights, np.array([0, 10, 40]), np.array([5, 20, 10]))
    np.testing.assert_allclose(mass, [0.1, 0.4, 0.2])


def test_pointing_game_strict_and_with_tolerance():
    weights = np.zeros((4, 30))
    weights[np.arange(4), [10, 9, 19, 24]] = 1.0  # argmax at 10, 9, 19, 24
    loc, length = np.full(4, 10), np.full(4, 10)  # section = steps 10..19
    np.testing.assert_array_equal(metrics.pointing_game(weights, loc, length), [True, False, True, False])
    np.testing.assert_array_equal(metrics.pointing_game(weights, loc, length, tolerance=5), [True, True, True, True])
    np.testing.assert_array_equal(metrics.pointing_game(weights, loc, length, tolerance=1), [True, True, True, False])


def test_argmax_zone_sorts_peaks_into_start_inside_end_and_outside():
    weights = np.zeros((5, 60))
    weights[np.arange(5), [12, 8, 30, 41, 55]] = 1.0
    zones = metrics.argmax_zone(weights, np.full(5, 10), np.full(5, 30), radius=5)  # section 10..39, end at 40
    np.testing.assert_array_equal(zones, ["start", "start", "inside", "end", "outside"])
    # a section that runs to the last step has no end boundary
    tail = np.zeros((1, 60))
    tail[0, 59] = 1.0
    assert metrics.argmax_zone(tail, np.array([30]), np.array([30]))[0] == "inside"


def test_section_zones_match_argmax_zone_of_one_hot_weights():
    loc, length = np.array([0, 10, 25]), np.array([8, 20, 15])  # the last section reaches step 39
    zones = metrics.section_zones(loc, length, 40, radius=3)
    assert zones.shape == (3, 40)
    for t in range(40):
        one_hot = np.zeros((3, 40))
        one_hot[:, t] = 1.0
        np.testing.assert_array_equal(metrics.argmax_zone(one_hot, loc, length, radius=3), zones[:, t])
    assert list(zones[1, 6:15]) == ["outside"] + ["start"] * 7 + ["inside"]
    assert "end" not in zones[2]
    with pytest.raises(ValueError, match="radius"):
        metrics.section_zones(loc, length, 40, radius=-1)


@pytest.mark.parametrize("loc, length, match", [
    ([35], [10], "every section"), ([0], [0], "every section"), ([-1], [3], "every section"),
    ([0, 1], [3, 3], "weights must be"),
])
def test_sections_outside_the_series_are_rejected(loc, length, match):
    with pytest.raises(ValueError, match=match):
        metrics.attention_mass_in_section(np.full((1, 40), 1 / 40), np.array(loc), np.array(length))


def test_a_negative_pointing_game_tolerance_is_rejected():
    with pytest.raises(ValueError, match="tolerance"):
        metrics.pointing_game(np.full((1, 40), 1 / 40), np.array([0]), np.array([3]), tolerance=-1)


def test_auc_difference_is_the_difference_of_the_aucs_with_an_interval_around_it():
    labels, scores = labels_and_scores(6, n=400)
    weaker = scores + np.random.default_rng(7).normal(0, 2.0, len(scores))
    result = metrics.auc_difference(labels, scores, weaker, n_boot=300)
    assert result["difference"] == pytest.approx(metrics.roc_auc(labels, scores) - metrics.roc_auc(labels, weaker))
    assert result["ci_low"] < result["difference"] < result["ci_high"]
    assert result["ci_low"] > 0  # the noisier scores rank worse, and 400 series are enough to see it
    assert metrics.auc_difference(labels, scores, weaker, n_boot=300) == result  # seeded


def test_auc_difference_of_a_scorer_with_itself_is_exactly_zero():
    labels, scores = labels_and_scores(8)
    assert metrics.auc_difference(labels, scores, scores, n_boot=100) == {"difference": 0.0, "ci_low": 0.0,
                                                                          "ci_high": 0.0}


@pytest.mark.parametrize("kwargs, match", [(dict(n_boot=10), "n_boot"), (dict(confidence=1.0), "confidence")])
def test_auc_difference_rejects_bad_settings(kwargs, match):
    labels, scores = labels_and_scores(9)
    with pytest.raises(ValueError, match=match):
        metrics.auc_difference(labels, scores, scores, **kwargs)
