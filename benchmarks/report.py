"""Markdown tables and the PNG chart, from the JSON document the runner builds."""
from .common import LIB_LABELS, LIBS, NO_DEVICE, NOT_APPLICABLE, RATIO_REFS, fmt_time
from .machine import blas_summary


def _fmt_ratio(r):
    if r is None:
        return ""
    if r >= 100:
        return "%.0f×" % r
    if r >= 10:
        return "%.1f×" % r
    return "%.2f×" % r


def _fmt_mb(b):
    if b is None:
        return "?"
    return "%.0f MB" % (b / 2**20)


DOCS_PREAMBLE = """# Performance

ndx next to raw numpy (the floor it is built on), PyTorch CPU and MXNet 1.9.1, measured by the
benchmark suite in `benchmarks/` (how it measures and how to read it: `benchmarks/README.md`).
The tables below are the latest run recorded here; regenerate them with

```sh
make bench BENCH_ARGS="--docs docs/performance.md"
```

Read ratios rather than absolute times: the machine is a shared 2-core VM, and the header says how
busy other processes kept it during the run. A ratio below 1 means ndx takes less time.

"""


def docs_page(doc):
    """The markdown report as the docs page: a preamble, then every heading one level down."""
    body = markdown(doc)
    lines = []
    for line in body.splitlines():
        if line.startswith("#"):
            line = "#" + line
        if line == "## ndx benchmarks":
            line = "## Latest run"
        lines.append(line)
    return DOCS_PREAMBLE + "\n".join(lines) + "\n"


def _lib_line(doc, lib):
    info = doc["libraries"].get(lib, {})
    label = LIB_LABELS[lib]
    st = info.get("status")
    if lib == "ndx-gpu":
        if st == "nodevice":
            return "%s: no CUDA device" % label
        if st != "ok":
            return "%s: n/a" % label
        return "%s: on the same ndx" % label
    if st == "missing":
        return "%s: **missing** (%s)" % (label, info.get("msg", "").strip()[:160])
    if st == "na":
        return "%s: **not implemented yet** (%s)" % (label, info.get("msg", "").strip()[:160])
    bits = [str(info.get("version"))]
    if lib != "numpy" and info.get("numpy"):
        bits.append("numpy %s" % info["numpy"])
    blas = blas_summary(info)
    if blas:
        bits.append(blas)
    if lib == "torch":
        bits = [str(info.get("version")), "BLAS %s" % info.get("blas_info", "?"),
                "%s threads" % info.get("num_threads")]
        if info.get("torchvision"):
            bits.append("torchvision %s" % info["torchvision"])
    if info.get("safetensors") and lib in ("numpy", "torch"):
        bits.append("safetensors %s" % info["safetensors"])
    return "%s %s" % (label, ", ".join(bits))


UNSTABLE_SPREAD = 3.0   # max/min of a cell's samples above which it is flagged


def _unstable(cell):
    return (cell.get("status") == "ok" and cell.get("n", 0) > 1 and cell.get("min")
            and cell["max"] / cell["min"] > UNSTABLE_SPREAD)


def _cell_text(cell):
    st = cell.get("status")
    if st == "ok":
        return fmt_time(cell.get("median")) + ("†" if _unstable(cell) else "")
    return st or ""


def _short(msg, n=200):
    msg = " ".join(str(msg).split())
    return msg if len(msg) <= n else msg[:n - 1] + "…"


def markdown(doc):
    libs = [lib for lib in LIBS if lib in doc["libraries"]]
    m = doc["machine"]
    out = ["# ndx benchmarks", ""]
    mem = m.get("memory_bytes")
    out.append("- **Date:** %s (UTC) · %s run, %.0f s · `%s`" % (
        doc["date"], "quick" if doc["quick"] else "full", doc["duration_s"], doc["command"]))
    out.append("- **Machine:** %s, %s logical cores, %s; %s; Python %s" % (
        m["cpu"], m["cores_logical"], ("%.1f GiB RAM" % (mem / 2**30)) if mem else "RAM ?",
        m["platform"], m["python"]))
    nz = m.get("noise") or {}
    if nz.get("other_cpu_cores_avg") is not None:
        out.append("- **Other load during the run:** %.2f of %s cores busy with other processes "
                   "on average (load average %s at start, %s at end)" % (
                       nz["other_cpu_cores_avg"], m["cores_logical"],
                       "%.2f" % nz["loadavg_start"][0] if nz.get("loadavg_start") else "?",
                       "%.2f" % nz["loadavg_end"][0] if nz.get("loadavg_end") else "?"))
    if nz.get("overlapped_other_run"):
        out.append("- **Warning:** another benchmark run was going on at the same time")
    unset = {k: v for k, v in (m.get("env_unset_for_children") or {}).items() if v}
    if unset:
        out.append("- **Unset for benchmark processes:** %s" % ", ".join(
            "%s=%s" % kv for kv in sorted(unset.items())))
    out.append("- **Libraries:** " + " · ".join(_lib_line(doc, lib) for lib in libs))
    out.append("")
    out.append("Cells are the **median** wall time per operation (per step for training "
               "workloads); min, max and every sample are in the JSON. Ratios are "
               "ndx cpu ÷ reference: below 1 ndx is faster. Each library ran in its own "
               "process; samples alternated between libraries.")
    if any(doc["libraries"].get(x, {}).get("status") == "na" for x in ("ndx",)):
        out.append("")
        out.append("ndx rows are **pending**: the ndx core did not import in this run.")
    out.append("")
    refs = [r for r in RATIO_REFS if r in libs] if "ndx" in libs else []
    for area, res in doc["areas"].items():
        out.extend(_area_md(area, res, libs, refs))
    return "\n".join(out).rstrip() + "\n"


def _area_md(area, res, libs, refs):
    out = ["## %s" % res.get("title", area), ""]
    if res.get("about"):
        out += [res["about"], ""]
    if res.get("error"):
        out += ["**The area failed:** %s" % _short(res["error"], 400), ""]
        if not res["workloads"]:
            return out
    head = ["workload"] + [LIB_LABELS[lib] for lib in libs] + \
        ["ndx/%s" % LIB_LABELS[r] for r in refs]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" + "---:|" * (len(head) - 1))
    notes = []
    problems = {}
    unstable = []
    io_rows = []
    for w in res["workloads"]:
        cells = res["cells"].get(w["name"], {})
        row = [w["label"] + ("" if w["per_label"] == "op" else " (per %s)" % w["per_label"])]
        for lib in libs:
            c = cells.get(lib, {"status": NOT_APPLICABLE})
            row.append(_cell_text(c))
            if _unstable(c):
                unstable.append("%s %s: %s–%s" % (LIB_LABELS[lib], w["label"],
                                                    fmt_time(c["min"]), fmt_time(c["max"])))
            if c.get("status") not in ("ok", NOT_APPLICABLE, NO_DEVICE) and c.get("msg"):
                key = (LIB_LABELS[lib], c["status"], _short(c["msg"]))
                problems.setdefault(key, []).append(w["label"])
        nd = cells.get("ndx", {})
        for r in refs:
            c = cells.get(r, {})
            if nd.get("status") == "ok" and c.get("status") == "ok" and c.get("median"):
                row.append(_fmt_ratio(nd["median"] / c["median"]))
            else:
                row.append("")
        out.append("| " + " | ".join(row) + " |")
        for lib, text in (w.get("notes") or {}).items():
            notes.append("%s — %s: %s" % (w["label"], LIB_LABELS.get(lib, lib), text))
        if any(cells.get(lib, {}).get("peak_rss") or cells.get(lib, {}).get("gbps")
               for lib in libs):
            io_rows.append((w, cells))
    out.append("")
    if io_rows:
        what = ("Throughput and peak" if any(w.get("nbytes") for w, _ in io_rows)
                else "Peak")
        out.append("%s resident memory (peak RSS of a fresh process; in parentheses what the "
                   "step added over the process before it ran):" % what)
        out.append("")
        out.append("| workload | " + " | ".join(LIB_LABELS[lib] for lib in libs) + " |")
        out.append("|---|" + "---:|" * len(libs))
        for w, cells in io_rows:
            row = [w["label"]]
            for lib in libs:
                c = cells.get(lib, {})
                bits = []
                if c.get("gbps"):
                    bits.append("%.2f GB/s" % c["gbps"])
                if c.get("peak_rss"):
                    s = "peak %s" % _fmt_mb(c["peak_rss"])
                    if c.get("added_rss") is not None:
                        s += " (+%s)" % _fmt_mb(c["added_rss"])
                    bits.append(s)
                row.append(", ".join(bits) if bits else (c.get("status") if c.get("status")
                                                        not in ("ok", None) else ""))
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    if notes:
        out.append("What the columns ran:")
        out.append("")
        out.extend("- " + n for n in notes)
        out.append("")
    if unstable:
        out.append("† samples spread more than %.0f× (min–max), most likely other load on the "
                   "machine; the minimum is closer to the cost on a quiet machine: %s."
                   % (UNSTABLE_SPREAD, "; ".join(unstable)))
        out.append("")
    if problems:
        out.append("Cells that did not run:")
        out.append("")
        for (lib, st, msg), labels in problems.items():
            which = "all rows" if len(labels) == len(res["workloads"]) else ", ".join(labels)
            out.append("- %s, %s (%s): %s" % (lib, st, which, msg))
        out.append("")
    return out


def plot(doc, path):
    """One panel per area: horizontal bars of median time per workload, log scale."""
    import textwrap

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # columns with at least one measured cell (a peer that is missing everywhere has no bars)
    libs = [lib for lib in LIBS if lib in doc["libraries"] and any(
        cells.get(lib, {}).get("status") == "ok"
        for r in doc["areas"].values() for cells in r["cells"].values())]
    colors = {"ndx": "#d62728", "ndx-gpu": "#ff9896", "numpy": "#1f77b4",
              "torch": "#ff7f0e", "mxnet": "#2ca02c"}
    areas = [(a, r) for a, r in doc["areas"].items()
             if any(c.get("status") == "ok" for cells in r["cells"].values()
                    for c in cells.values())]
    if not areas:
        areas = list(doc["areas"].items())[:1]
    heights = [max(1.2, 0.22 * len(r["workloads"]) * max(1, len(libs)) + 0.8) for _, r in areas]
    fig, axes = plt.subplots(len(areas), 1, figsize=(10, sum(heights) + 0.5),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    bar = 0.8 / max(1, len(libs))
    for ax, (area, res) in zip(axes[:, 0], areas):
        labels = []
        for i, w in enumerate(res["workloads"]):
            labels.append(textwrap.fill(w["label"], 34))
            cells = res["cells"].get(w["name"], {})
            for j, lib in enumerate(libs):
                c = cells.get(lib, {})
                y = i + (j - (len(libs) - 1) / 2) * bar
                if c.get("status") == "ok" and c.get("median"):
                    ax.barh(y, c["median"], height=bar, color=colors[lib],
                            label=LIB_LABELS[lib] if i == 0 else None)
                    ax.text(c["median"], y, " " + fmt_time(c["median"]), va="center",
                            fontsize=6)
                elif c.get("status") not in (None, NOT_APPLICABLE, NO_DEVICE):
                    ax.text(0, y, " %s: %s" % (LIB_LABELS[lib], c["status"]), va="center",
                            fontsize=6, color="grey", transform=ax.get_yaxis_transform())
        ax.set_yticks(range(len(labels)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_xscale("log")
        ax.set_title(res.get("title", area), fontsize=9, loc="left")
        ax.tick_params(axis="x", which="both", labelsize=7)
        ax.set_xlabel("median seconds per op/step (log)", fontsize=7)
    handles = {}
    for ax in axes[:, 0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    if handles:
        fig.legend(handles.values(), handles.keys(), loc="upper right", fontsize=7, ncol=5)
    fig.suptitle("ndx benchmarks — %s" % doc["date"], fontsize=9, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=110)
    plt.close(fig)

