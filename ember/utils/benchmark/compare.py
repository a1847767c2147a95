"""``Compare``: many Measurements as one table per label (rows: sub_label or stmt,
grouped by thread count; columns: description), in torch's layout."""
import collections
import enum
import math

from . import common

__all__ = ["Colorize", "Compare"]

BEST, GOOD, BAD, VERY_BAD = "\033[92m", "\033[34m", "\033[2m\033[91m", "\033[31m"
BOLD, TERMINATE = "\033[1m", "\033[0m"


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _color(segment, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + segment + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + segment + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + segment + TERMINATE * 2
    if value >= best * 2:
        return BAD + segment + TERMINATE * 2
    return segment


class _Table:
    def __init__(self, results, colorize, trim, highlight):
        self.results, self.colorize, self.trim = results, colorize, trim
        self.label = results[0].label
        self.unit, self.scale = common.select_unit(min(r.median for r in results))
        row_key = lambda m: (m.num_threads, m.env, m.as_row_name)  # noqa: E731
        self.rows = sorted(common.ordered_unique(row_key(r) for r in results), key=lambda k: k[:2])
        self.cols = common.ordered_unique(r.description for r in results)
        rpos = {k: i for i, k in enumerate(self.rows)}
        cpos = {k: j for j, k in enumerate(self.cols)}
        self.grid = [[None] * len(self.cols) for _ in self.rows]
        for r in results:
            self.grid[rpos[row_key(r)]][cpos[r.description]] = r
        self.highlight = highlight and any(r.has_warnings for r in results)
        self.templates = [self._template([row[j] for row in self.grid]) for j in range(len(self.cols))]

    def _template(self, col):
        """A column's number format: enough integer digits for its largest entry and, when
        trimming, the decimals the least precise entry supports."""
        ms = [m for m in col if m is not None]
        lead = [math.ceil(math.log10(m.median / self.scale)) for m in ms]
        decimals = min(max(m.significant_figures - d, 0) for d, m in zip(lead, ms)) if self.trim else 1
        warn = 7 if self.highlight and any(m.has_warnings for m in ms) else 0
        width = max(lead) + decimals + (1 if decimals else 0)
        return f"{{:>{width}.{decimals}f}}{{:>{warn}}}", warn

    def _cell(self, j, m):
        fmt, warn = self.templates[j]
        if m is None:
            return " " * len(fmt.format(1.0, ""))
        v = m.median / self.scale
        if self.trim:
            v = common.trim_sigfig(v, m.significant_figures)
        spread = f" (! {m.iqr / m.median * 100:.0f}%)" if warn and m.has_warnings else ""
        return fmt.format(v, spread)

    def render(self):
        envs = {r.env for r in self.results}
        env_len = max(len(e) for e in envs) if len(envs) > 1 else 0
        strings, prior_env = [[""] + [c or "" for c in self.cols]], None
        for (_threads, env, name), row in zip(self.rows, self.grid):
            show_env = f"({env})" if len(envs) > 1 and env != prior_env else ""
            prior_env = env
            strings.append(["  " + show_env.ljust(env_len + 4) + name]
                           + [self._cell(j, m) for j, m in enumerate(row)])
        widths = [max(len(s) for s in col) for col in zip(*strings)]
        header = "  |  ".join(s.center(w) for s, w in zip(strings[0], widths))
        lines, prior_threads = [header], None
        for (threads, _, _), row, srow in zip(self.rows, self.grid, strings[1:]):
            if threads != prior_threads:
                lines.append(f"{threads} threads: ".ljust(len(header), "-"))
                prior_threads = threads
            best = [None] * len(row)
            if self.colorize == Colorize.ROWWISE:
                best = [min(m.median for m in row if m is not None)] * len(row)
            elif self.colorize == Colorize.COLUMNWISE:
                best = [min((r[j].median for r, k in zip(self.grid, self.rows)
                             if k[0] == threads and r[j] is not None), default=None)
                        for j in range(len(row))]
            cells = [srow[0].ljust(widths[0])]
            for s, w, m, b in zip(srow[1:], widths[1:], row, best):
                s = s.center(w)
                cells.append(_color(s, m.median, b) if m is not None and b is not None else s)
            lines.append("  |  ".join(cells))
        out = (f"[{(' ' + (self.label or '') + ' ').center(len(header) - 2, '-')}]\n" + "\n".join(lines)
               + f"\n\nTimes are in {common.unit_to_english(self.unit)}s ({self.unit}).\n")
        if self.highlight:
            out += "(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n"
        return out


class Compare:
    """Print many Measurements as tables: ``Compare(results).print()``."""

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self):
        return "\n".join(self._render())

    def extend_results(self, results):
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self):
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        self._highlight_warnings = True

    def print(self):
        print(str(self))

    def _render(self):
        groups = collections.defaultdict(list)
        for r in common.Measurement.merge(self._results):
            groups[r.label].append(r)
        return [_Table(g, self._colorize, self._trim_significant_figures,
                       self._highlight_warnings).render() for g in groups.values()]
