// The window's list of export formats and the engine's writers agree: every format the window
// offers has a writer, one file or a folder to zip, and redacts exactly where the writer does.
import { describe, expect, it } from 'vitest';
import { WINDOW_EXPORT_FORMATS } from '../../src/shared/api';
import { EXPORT_FORMATS } from '../../src/main/engine/export-file';
import { exportFormats, isExportFormat } from '../../src/main/engine/interop/export';

describe('the window export formats', () => {
  it('each have a writer whose output fits their extension and whose redaction they announce', () => {
    expect(Object.keys(WINDOW_EXPORT_FORMATS).sort()).toEqual(Object.keys(EXPORT_FORMATS).sort());
    for (const [name, format] of Object.entries(WINDOW_EXPORT_FORMATS)) {
      const writer = EXPORT_FORMATS[name]!;
      expect(format.extension === '.zip', name).toBe(writer.out === 'directory');
      expect(format.redacts, name).toBe(isExportFormat(name) ? exportFormats[name].redacts : true);
    }
  });
});
