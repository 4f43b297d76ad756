// Offsets → line/column for one file, built once per file so every range costs a binary search.
import type { SourceRange } from '../model/bind';

export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.lineStarts[lo]! };
  }

  range(start: number, end: number): SourceRange {
    const s = this.position(start);
    const e = this.position(end);
    return { file: this.file, start, end, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }

  /** The range of `needle` inside [start, end), or of the whole span when it is not there. */
  within(start: number, end: number, needle: string): SourceRange {
    const i = needle === '' ? -1 : this.text.slice(start, end).indexOf(needle);
    return i === -1 ? this.range(start, end) : this.range(start + i, start + i + needle.length);
  }
}
