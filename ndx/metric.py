"""Evaluation metrics (``mx.metric``): accumulate over batches with ``update(labels, preds)``, read with ``get()``.

Values are computed on the host (numpy), as MXNet 1.9.1 does. Each metric keeps a local and a global
sum (``reset_local`` clears only the local one).
"""
import math

import numpy as _np

from . import ndarray as nd
from .ndarray.ndarray import NDArray

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MAE", "MSE", "RMSE",
           "CrossEntropy", "Perplexity", "Loss", "CustomMetric", "create", "register", "np", "check_label_shapes",
           "MCC", "PearsonCorrelation"]

_REGISTRY = {}


def register(klass, *aliases):
    """Register a metric class under its lower-cased name and any ``aliases`` (usable by ``create``)."""
    for name in (klass.__name__,) + aliases:
        _REGISTRY[name.lower()] = klass
    return klass


def alias(*aliases):
    def deco(klass):
        return register(klass, *aliases)
    return deco


def create(metric, *args, **kwargs):
    """A metric from a name (``'acc'``, ``'mse'``, ...), a callable ``feval(label, pred)``, an EvalMetric,
    or a list of those (a CompositeEvalMetric)."""
    if callable(metric) and not isinstance(metric, EvalMetric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, EvalMetric):
        return metric
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    if isinstance(metric, str):
        key = metric.lower()
        if key not in _REGISTRY:
            raise AssertionError(f"{metric} is not registered. Please register with metric.register first")
        return _REGISTRY[key](*args, **kwargs)
    raise TypeError(f"metric must be a name, a callable, an EvalMetric or a list of them, got {type(metric)}")


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Check that labels and predictions match in count (or shape); ``wrap`` turns single arrays into lists."""
    if not shape:
        label_shape, pred_shape = len(labels), len(preds)
    else:
        label_shape, pred_shape = labels.shape, preds.shape
    if label_shape != pred_shape:
        raise ValueError(f"Shape of labels {label_shape} does not match shape of predictions {pred_shape}")
    if wrap:
        if isinstance(labels, NDArray):
            labels = [labels]
        if isinstance(preds, NDArray):
            preds = [preds]
    return labels, preds


def _host(x):
    return x.asnumpy() if isinstance(x, NDArray) else _np.asarray(x)


class EvalMetric:
    """Base class: ``sum_metric / num_inst`` is the value (nan before any update)."""

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return f"EvalMetric: {dict(self.get_name_value())}"

    def get_config(self):
        config = self._kwargs.copy()
        config.update({"metric": self.__class__.__name__, "name": self.name, "output_names": self.output_names,
                       "label_names": self.label_names})
        return config

    def update_dict(self, label, pred):
        """Update from dicts of named outputs/labels (selected by ``output_names``/``label_names``)."""
        pred = [pred[n] for n in self.output_names] if self.output_names is not None else list(pred.values())
        label = [label[n] for n in self.label_names] if self.label_names is not None else list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        raise NotImplementedError()

    def reset(self):
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        # a Python float: prints as MXNet's numpy-1.x floats did (numpy 2 would print np.float64(...))
        return (self.name, float(self.sum_metric / self.num_inst))

    def get_global(self):
        if self._has_global_stats:
            if self.global_num_inst == 0:
                return (self.name, float("nan"))
            return (self.name, float(self.global_sum_metric / self.global_num_inst))
        return self.get()

    def get_name_value(self):
        name, value = self.get()
        if not isinstance(name, list):
            name, value = [name], [value]
        return list(zip(name, value))

    def get_global_name_value(self):
        name, value = self.get_global()
        if not isinstance(name, list):
            name, value = [name], [value]
        return list(zip(name, value))

    def _add(self, total, count):
        self.sum_metric += total
        self.global_sum_metric += total
        self.num_inst += count
        self.global_num_inst += count


@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` returns (list of names, list of values)."""

    def __init__(self, metrics=None, name="composite", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric):
        self.metrics.append(create(metric))

    def get_metric(self, index):
        try:
            return self.metrics[index]
        except IndexError:
            raise ValueError(f"Metric index {index} is out of range 0 and {len(self.metrics)}") from None

    def update_dict(self, labels, preds):
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        for metric in getattr(self, "metrics", []):
            metric.reset()

    def reset_local(self):
        for metric in self.metrics:
            metric.reset_local()

    def _collect(self, getter):
        names, values = [], []
        for metric in self.metrics:
            name, value = getter(metric)
            if isinstance(name, str):
                name, value = [name], [value]
            names.extend(name)
            values.extend(value)
        return (names, values)

    def get(self):
        return self._collect(lambda m: m.get())

    def get_global(self):
        return self._collect(lambda m: m.get_global())


@alias("acc")
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the label (predictions are argmax-ed over ``axis`` when their
    shape differs from the label's)."""

    def __init__(self, axis=1, name="accuracy", output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred_label in zip(labels, preds):
            if pred_label.shape != label.shape:
                pred_label = nd.argmax(pred_label, axis=self.axis)
            pred_label = _host(pred_label).astype("int32").ravel()
            label = _host(label).astype("int32").ravel()
            check_label_shapes(label, pred_label)
            self._add(int((pred_label == label).sum()), len(pred_label))


@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest-scored classes."""

    def __init__(self, top_k=1, name="top_k_accuracy", output_names=None, label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.top_k = top_k
        assert self.top_k > 1, "Please use Accuracy if top_k is no more than 1"
        self.name += f"_{self.top_k}"

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred_label in zip(labels, preds):
            assert len(pred_label.shape) <= 2, "Predictions should be no more than 2 dims"
            pred = _np.argpartition(_host(pred_label).astype("float32"), -self.top_k)
            label = _host(label).astype("int32")
            check_label_shapes(label, pred)
            num_samples = pred.shape[0]
            if pred.ndim == 1:
                correct = int((pred.ravel() == label.ravel()).sum())
            else:
                num_classes = pred.shape[1]
                top_k = min(num_classes, self.top_k)
                correct = sum(int((pred[:, num_classes - 1 - j].ravel() == label.ravel()).sum())
                              for j in range(top_k))
            self._add(correct, num_samples)


class _BinaryStats:
    """Confusion counts for binary classification (class 1 = positive): since the last local reset,
    and since the last full reset (``global_*``)."""

    _FIELDS = ("true_positives", "false_positives", "false_negatives", "true_negatives")

    def __init__(self):
        self.reset_stats()

    def reset_stats(self):
        self.local_reset_stats()
        for f in self._FIELDS:
            setattr(self, "global_" + f, 0)

    def local_reset_stats(self):
        for f in self._FIELDS:
            setattr(self, f, 0)

    def update_binary_stats(self, label, pred):
        pred = _host(pred)
        label = _host(label).astype("int32")
        pred_label = _np.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(_np.unique(label)) > 2:
            raise ValueError("_BinaryClassificationMetrics currently only supports binary classification.")
        pred_true, label_true = pred_label == 1, label == 1
        counts = (int((pred_true & label_true).sum()), int((pred_true & ~label_true).sum()),
                  int((~pred_true & label_true).sum()), int((~pred_true & ~label_true).sum()))
        for f, n in zip(self._FIELDS, counts):
            setattr(self, f, getattr(self, f) + n)
            setattr(self, "global_" + f, getattr(self, "global_" + f) + n)

    def _counts(self, use_global):
        prefix = "global_" if use_global else ""
        return tuple(getattr(self, prefix + f) for f in self._FIELDS)

    def _fscore(self, use_global):
        tp, fp, fn, _ = self._counts(use_global)
        precision = tp / (tp + fp) if tp + fp > 0 else 0.0
        recall = tp / (tp + fn) if tp + fn > 0 else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0

    @property
    def fscore(self):
        return self._fscore(False)

    @property
    def global_fscore(self):
        return self._fscore(True)

    def matthewscc(self, use_global=False):
        """(TP*TN - FP*FN) / sqrt of the product of the four margins, zero margins left out (0 if no examples)."""
        tp, fp, fn, tn = (float(n) for n in self._counts(use_global))
        if not tp + fp + fn + tn:
            return 0.0
        denom = 1.0
        for margin in (tp + fp, tp + fn, tn + fp, tn + fn):
            if margin != 0.0:
                denom *= margin
        return (tp * tn - fp * fn) / math.sqrt(denom)

    @property
    def total_examples(self):
        return sum(self._counts(False))

    @property
    def global_total_examples(self):
        return sum(self._counts(True))


class _BinaryMetric(EvalMetric):
    """A score of the confusion counts: per batch averaged (``macro``) or of all counts pooled (``micro``)."""

    def __init__(self, name, output_names=None, label_names=None, average="macro"):
        self.average = average
        self.metrics = _BinaryStats()
        super().__init__(name=name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def _score(self, use_global):
        raise NotImplementedError()

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self.metrics.update_binary_stats(label, pred)
        if self.average == "macro":
            self.sum_metric += self._score(False)
            self.global_sum_metric += self._score(True)
            self.num_inst += 1
            self.global_num_inst += 1
            self.metrics.reset_stats()
        else:
            self.sum_metric = self._score(False) * self.metrics.total_examples
            self.global_sum_metric = self._score(True) * self.metrics.global_total_examples
            self.num_inst = self.metrics.total_examples
            self.global_num_inst = self.metrics.global_total_examples

    def reset(self):
        super().reset()
        self.metrics.reset_stats()

    def reset_local(self):
        super().reset_local()
        self.metrics.local_reset_stats()


@register
class F1(_BinaryMetric):
    """Binary F1 score of argmax predictions; ``average='macro'`` averages per-batch scores, ``'micro'``
    pools the counts over all batches."""

    def __init__(self, name="f1", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)

    def _score(self, use_global):
        return self.metrics._fscore(use_global)


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient of binary argmax predictions (``macro``/``micro`` as F1)."""

    def __init__(self, name="mcc", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)
        self._average = average

    def _score(self, use_global):
        return self.metrics.matthewscc(use_global)



def _as_columns(label, pred):
    label, pred = _host(label), _host(pred)
    if label.ndim == 1:
        label = label.reshape(label.shape[0], 1)
    if pred.ndim == 1:
        pred = pred.reshape(pred.shape[0], 1)
    return label, pred


@register
class MAE(EvalMetric):
    """Mean absolute error, averaged per batch (each update adds one batch mean)."""

    def __init__(self, name="mae", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_columns(label, pred)
            self._add(float(_np.abs(label - pred).mean()), 1)


@register
class MSE(EvalMetric):
    """Mean squared error, averaged per batch."""

    def __init__(self, name="mse", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_columns(label, pred)
            self._add(float(((label - pred) ** 2.0).mean()), 1)


@register
class RMSE(EvalMetric):
    """Root mean squared error, averaged per batch."""

    def __init__(self, name="rmse", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_columns(label, pred)
            self._add(float(_np.sqrt(((label - pred) ** 2.0).mean())), 1)


@alias("ce", "cross-entropy")
class CrossEntropy(EvalMetric):
    """Mean of ``-log(p[label] + eps)`` over samples (predictions are probabilities)."""

    def __init__(self, eps=1e-12, name="cross-entropy", output_names=None, label_names=None):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = _host(label).ravel()
            pred = _host(pred)
            assert label.shape[0] == pred.shape[0]
            prob = pred[_np.arange(label.shape[0]), _np.int64(label)]
            self._add(float((-_np.log(prob + self.eps)).sum()), label.shape[0])


@alias("nll_loss")
class NegativeLogLikelihood(CrossEntropy):
    """Same as CrossEntropy, named ``nll-loss``."""

    def __init__(self, eps=1e-12, name="nll-loss", output_names=None, label_names=None):
        super().__init__(eps=eps, name=name, output_names=output_names, label_names=label_names)


@register
class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability of the labels; ``ignore_label`` positions are skipped."""

    def __init__(self, ignore_label, axis=-1, name="perplexity", output_names=None, label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        assert len(labels) == len(preds)
        loss, num = 0.0, 0
        for label, pred in zip(labels, preds):
            assert label.size == pred.size / pred.shape[-1], f"shape mismatch: {label.shape} vs. {pred.shape}"
            label = label.as_in_context(pred.context).reshape((label.size,))
            pred = nd.pick(pred, label.astype("int32"), axis=self.axis)
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(pred.dtype)
                num -= int(nd.sum(ignore).asscalar())
                pred = pred * (1 - ignore) + ignore
            loss -= float(nd.sum(nd.log(nd.maximum(pred, 1e-10))).asscalar())
            num += pred.size
        self._add(loss, num)

    def _value(self, total, count):
        return float("nan") if count == 0 else math.exp(total / count)

    def get(self):
        return (self.name, self._value(self.sum_metric, self.num_inst))

    def get_global(self):
        return (self.name, self._value(self.global_sum_metric, self.global_num_inst))


@register
class Loss(EvalMetric):
    """Mean of the given loss values (labels are ignored)."""

    def __init__(self, name="loss", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, _, preds):
        if isinstance(preds, NDArray):
            preds = [preds]
        for pred in preds:
            self._add(float(nd.sum(pred).asscalar()), pred.size)


@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels (flattened, float64): the mean of per-batch
    coefficients (``average='macro'``) or one coefficient over everything seen (``'micro'``, streamed)."""

    def __init__(self, name="pearsonr", output_names=None, label_names=None, average="macro"):
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def reset(self):
        super().reset()
        # streamed (Welford) count, mean and sum of squared deviations of labels and predictions
        self._label_stats = self._pred_stats = (0, 0.0, 0.0)
        self._co_moment = 0.0

    @staticmethod
    def _welford(values, stats):
        count, mean, m2 = stats
        count += len(values)
        delta = values - mean
        mean += _np.sum(delta / count)
        return count, mean, m2 + _np.sum(delta * (values - mean))

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            label = _host(label).ravel().astype(_np.float64)
            pred = _host(pred).ravel().astype(_np.float64)
            self.num_inst += 1
            self.global_num_inst += 1
            if self.average == "macro":
                r = _np.corrcoef(pred, label)[0, 1]
                self.sum_metric += r
                self.global_sum_metric += r
                continue
            # MXNet's streaming order: the label statistics first, then the co-moment against the
            # updated label mean and the previous prediction mean, then the prediction statistics
            self._label_stats = self._welford(label, self._label_stats)
            self._co_moment += _np.sum((label - self._label_stats[1]) * (pred - self._pred_stats[1]))
            self._pred_stats = self._welford(pred, self._pred_stats)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, float(self.sum_metric / self.num_inst))
        n = self._label_stats[0]
        spread = (n - 1) * _np.sqrt(self._pred_stats[2] / (n - 1)) * _np.sqrt(self._label_stats[2] / (n - 1))
        return (self.name, float(self._co_moment / spread))


@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred)`` on numpy arrays, returning a value or ``(sum, count)``."""

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None, label_names=None):
        if name is None:
            name = feval.__name__
            if name.find("<") != -1:
                name = f"custom({name})"
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            reval = self._feval(_host(label), _host(pred))
            if isinstance(reval, tuple):
                self._add(reval[0], reval[1])
            else:
                self._add(reval, 1)


def np(numpy_feval, name=None, allow_extra_outputs=False):  # noqa: F811  (MXNet's name)
    """A CustomMetric from a function of numpy arrays."""
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
