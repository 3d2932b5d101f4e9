"""Chapter 3's measures: binary classification from probabilities, and where attention lands
relative to the flat section."""
import numpy as np

from ..metrics import as_numpy


def _binary(labels, name: str = "labels") -> np.ndarray:
    labels = as_numpy(labels)
    if labels.ndim != 1 or not np.isin(labels, (0, 1)).all():
        raise ValueError(f"{name} must be a 1-D array of 0s and 1s, got shape {labels.shape} "
                         f"with values {np.unique(labels)[:5]}")
    return labels.astype(np.int64)


def _labels_and_scores(labels, scores):
    labels, scores = _binary(labels), as_numpy(scores).astype(float)
    if scores.shape != labels.shape:
        raise ValueError(f"scores must have the shape of labels {labels.shape}, got {scores.shape}")
    if labels.min() == labels.max():
        raise ValueError("labels must hold both classes (0 and 1) for a ROC curve")
    return labels, scores


def confusion_matrix(labels, predicted) -> np.ndarray:
    """2x2 counts ``[[true neg, false pos], [false neg, true pos]]`` (rows: truth, columns: prediction)."""
    labels, predicted = _binary(labels), _binary(predicted, "predicted")
    if labels.shape != predicted.shape:
        raise ValueError(f"labels and predicted must have the same shape, got {labels.shape} and {predicted.shape}")
    return np.bincount(2 * labels + predicted, minlength=4).reshape(2, 2)


def balanced_accuracy(labels, predicted) -> float:
    """Mean of the recall of each class: (TP/P + TN/N) / 2."""
    (tn, fp), (fn, tp) = confusion_matrix(labels, predicted)
    return float((tp / (tp + fn) + tn / (tn + fp)) / 2)


def roc_auc(labels, scores) -> float:
    """Area under the ROC curve from continuous scores (probabilities or logits).

    The probability that a random positive scores above a random negative (ties count 1/2),
    computed from average ranks (Mann-Whitney U).
    """
    labels, scores = _labels_and_scores(labels, scores)
    order = np.argsort(scores, kind="stable")
    _, first, counts = np.unique(scores[order], return_index=True, return_counts=True)
    ranks = np.empty(len(scores))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)  # 1-based, ties share their mean rank
    n_pos = labels.sum()
    n_neg = len(labels) - n_pos
    return float((ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_curve(labels, scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False and true positive rates at every distinct threshold, from (0, 0) to (1, 1).

    -> fpr, tpr, thresholds (predict positive when score >= threshold; the first is +inf).
    """
    labels, scores = _labels_and_scores(labels, scores)
    order = np.argsort(-scores, kind="stable")
    scores, labels = scores[order], labels[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.cumsum(labels)[last_of_tie]
    fp = (last_of_tie + 1) - tp
    return (np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]], np.r_[np.inf, scores[last_of_tie]])


def classification_report(labels, probabilities, threshold: float = 0.5) -> dict[str, float]:
    """accuracy, precision, recall, f1, balanced_accuracy at ``threshold`` and roc_auc from the
    probabilities themselves. Precision is 0 when nothing is predicted positive."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    labels = _binary(labels)
    probabilities = as_numpy(probabilities).astype(float)
    if probabilities.shape != labels.shape or np.any((probabilities < 0) | (probabilities > 1)):
        raise ValueError(f"probabilities must be in [0, 1] with the shape of labels {labels.shape}")
    predicted = (probabilities >= threshold).astype(np.int64)
    (tn, fp), (fn, tp) = confusion_matrix(labels, predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": float((tp + tn) / len(labels)), "precision": float(precision), "recall": float(recall),
            "f1": float(f1), "balanced_accuracy": balanced_accuracy(labels, predicted),
            "roc_auc": roc_auc(labels, probabilities)}


def _section_args(weights, loc, length):
    weights = as_numpy(weights).astype(float)
    loc, length = as_numpy(loc).astype(np.int64), as_numpy(length).astype(np.int64)
    if weights.ndim != 2 or loc.shape != (len(weights),) or length.shape != (len(weights),):
        raise ValueError(f"weights must be (n, time) and loc, length (n,), got {weights.shape}, "
                         f"{loc.shape}, {length.shape}")
    if np.any(length < 1) or np.any(loc < 0) or np.any(loc + length > weights.shape[1]):
        raise ValueError(f"every section must satisfy loc >= 0, length >= 1 and loc + length <= "
                         f"{weights.shape[1]} (the time axis)")
    return weights, loc, length


def attention_mass_in_section(weights, loc, length) -> np.ndarray:
    """Attention mass on steps loc .. loc+length-1 of each series: (n, time), (n,), (n,) -> (n,).

    Uniform attention would give length / time (the section's share of the series).
    """
    weights, loc, length = _section_args(weights, loc, length)
    t = np.arange(weights.shape[1])
    inside = (t >= loc[:, None]) & (t < (loc + length)[:, None])
    return (weights * inside).sum(axis=1)


def pointing_game(weights, loc, length, tolerance: int = 0) -> np.ndarray:
    """Does the attention argmax fall in the section, widened by ``tolerance`` steps each side?

    (n, time), (n,), (n,) -> (n,) bool. Its mean is the pointing-game hit rate.
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    weights, loc, length = _section_args(weights, loc, length)
    peak = weights.argmax(axis=1)
    return (peak >= loc - tolerance) & (peak < loc + length + tolerance)


def section_zones(loc, length, time: int, radius: int = 5) -> np.ndarray:
    """The zone of every step: 'start' (within ``radius`` steps of loc), 'end' (within ``radius`` of
    loc+length, the first step after the section, when it lies in the series), 'inside' (the rest of
    the section) or 'outside'. (n,), (n,) -> (n, time) str. 'start' wins where zones overlap."""
    if radius < 0:
        raise ValueError(f"radius must be >= 0, got {radius}")
    _, loc, length = _section_args(np.zeros((len(as_numpy(loc)), time)), loc, length)
    t, lo, end = np.arange(time)[None, :], loc[:, None], (loc + length)[:, None]
    zone = np.where((t >= lo) & (t < end), "inside", "outside").astype("<U7")
    zone[(np.abs(t - end) <= radius) & (end < time)] = "end"
    zone[np.abs(t - lo) <= radius] = "start"
    return zone


def argmax_zone(weights, loc, length, radius: int = 5) -> np.ndarray:
    """The :func:`section_zones` zone of each series' attention argmax: (n, time), (n,), (n,) -> (n,) str."""
    weights, loc, length = _section_args(weights, loc, length)
    zones = section_zones(loc, length, weights.shape[1], radius)
    return zones[np.arange(len(weights)), weights.argmax(axis=1)]


def _check_interval(n_boot: int, confidence: float) -> None:
    if not isinstance(n_boot, int) or n_boot < 100:
        raise ValueError(f"n_boot must be an int >= 100, got {n_boot!r}")
    if not 0.5 <= confidence < 1.0:
        raise ValueError(f"confidence must be in [0.5, 1), got {confidence}")


def auc_difference(labels, scores_a, scores_b, n_boot: int = 2000, confidence: float = 0.95,
                   seed: int = 0) -> dict[str, float]:
    """ROC AUC of scores a minus ROC AUC of scores b on the same series, with a paired bootstrap interval.

    Each resample draws the series with replacement within each class (so both classes are always
    there), the same draws for a and b. labels, scores_a, scores_b (n,) -> difference, ci_low, ci_high.
    """
    labels, scores_a = _labels_and_scores(labels, scores_a)
    _, scores_b = _labels_and_scores(labels, scores_b)
    _check_interval(n_boot, confidence)
    rng = np.random.default_rng(seed)
    positives, negatives = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    differences = np.empty(n_boot)
    for b in range(n_boot):
        index = np.r_[rng.choice(negatives, len(negatives)), rng.choice(positives, len(positives))]
        differences[b] = roc_auc(labels[index], scores_a[index]) - roc_auc(labels[index], scores_b[index])
    tail = (1 - confidence) / 2
    low, high = np.quantile(differences, [tail, 1 - tail])
    return {"difference": roc_auc(labels, scores_a) - roc_auc(labels, scores_b),
            "ci_low": float(low), "ci_high": float(high)}
