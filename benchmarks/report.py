"""One table per corpus size: our figure, the baseline's, their ratio, the target, PASS/MISS."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    measure: str
    ours: float
    baseline: float | None
    digits: int = 1
    target: str = ""
    # None when the issue sets no target for this measure at this corpus size.
    passed: bool | None = None

    @property
    def ratio(self) -> str:
        if self.baseline is None or self.baseline == 0:
            return "-"
        return f"{self.ours / self.baseline:.2f}x"

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "MISS")

    def cells(self) -> list[str]:
        baseline = "-" if self.baseline is None else f"{self.baseline:,.{self.digits}f}"
        return [
            self.measure,
            f"{self.ours:,.{self.digits}f}",
            baseline,
            self.ratio,
            self.target,
            self.verdict,
        ]


HEADER = ["measure", "ours", "baseline", "ratio", "target", ""]


def text_table(title: str, rows: list[Row]) -> str:
    table = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    lines = [title]
    for line in table:
        cells = [
            cell.ljust(width) if i in (0, 4) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(_markdown_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def _markdown_cells(row: Row) -> list[str]:
    # Markdown trims a cell's leading spaces, so a sub-measure is marked with an arrow.
    cells = row.cells()
    if cells[0].startswith("  "):
        cells[0] = "↳ " + cells[0].strip()
    return cells
