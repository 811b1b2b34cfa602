import { describe, expect, it } from '@jest/globals';
import { csvCell, toCsv } from './csv.js';

describe('CSV for spreadsheets', () => {
  it('quotes what needs quoting and leaves the rest', () => {
    expect(csvCell('A-001')).toBe('A-001');
    expect(csvCell('2× Classic burger; 1× Fries')).toBe('2× Classic burger; 1× Fries');
    expect(csvCell('Rua Augusta, 1')).toBe('"Rua Augusta, 1"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell('-3.50')).toBe('-3.50');
  });

  it('never hands a spreadsheet a formula: names and tables from outside are written as text', () => {
    for (const evil of ['=HYPERLINK("http://x","click")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])
      expect(csvCell(evil).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });

  it('writes a header and rows, CRLF, with a BOM for Excel', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('\uFEFFa,b\r\n1,"x,y"\r\n');
  });
});
