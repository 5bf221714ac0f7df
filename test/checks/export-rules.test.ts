import { check, file, findingsOf, fixture, messagesOf, outcome } from './helpers';

const goodExport = () => ['elever.csv', 'skoler.json', 'skoler.schema.json', 'klasser.xml', 'klasser.xsd', 'datamodell.yaml'].map(fixture);

describe('sample-export rules', () => {
  test('When the export parses, then export.parses passes per file, naming the records and how a CSV was read', async () => {
    const report = await check(goodExport(), ['export.parses']);
    expect(messagesOf(report, 'export.parses')).toEqual([
      'elever.csv parses as CSV. 3 records. Read as UTF-8 with the delimiter semikolon / semicolon.',
      'skoler.json parses as JSON. 2 records.',
      'klasser.xml parses as XML. 2 records.',
    ]);
  });

  test('When a CSV has no delimiter stated, then it is detected from the header row; a stated one is used as stated', async () => {
    const csv = file('data.csv', 'a|b\n1|2\n');
    expect(messagesOf(await check([csv], ['export.parses']), 'export.parses')).toEqual(['data.csv parses as CSV. 1 records. Read as UTF-8 with the delimiter loddrett strek / pipe (detected from the header row).']);
    const stated = await check([csv], [{ rule: 'export.parses', params: { csv: { delimiter: ',' } } }]);
    expect(messagesOf(stated, 'export.parses')).toEqual(['data.csv parses as CSV. 1 records. Read as UTF-8 with the delimiter komma / comma.']);
  });

  test('When rows are broken or a quote is never closed, then export.parses fails with the row and line', async () => {
    const report = await check([fixture('poor-elever.csv')], ['export.parses']);
    expect(findingsOf(report, 'export.parses').map((f) => [f.outcome, f.location, f.message.en])).toEqual([['fail', { file: 'poor-elever.csv', row: 4, line: 5 }, 'Row 4 has 2 fields; the header row has 3.']]);
    const unclosed = await check([file('brutt.csv', 'a,b\n1,"åpen\n2,3\n')], ['export.parses']);
    expect(outcome(unclosed, 'export.parses')).toBe('fail');
    expect(messagesOf(unclosed, 'export.parses', 'fail')[0]).toMatch(/^CSV error: Quote Not Closed/);
  });

  test('When JSON or XML is broken, then export.parses fails with the place', async () => {
    const report = await check([file('data.json', '{"a": [1, 2,, 3]}'), file('data.xml', '<a><b></a>')], ['export.parses']);
    const fails = findingsOf(report, 'export.parses', 'fail');
    expect(fails.map((f) => f.location?.file)).toEqual(['data.json', 'data.xml']);
    expect(fails[0]?.message.en).toMatch(/^JSON syntax error: /);
    expect(fails[1]).toMatchObject({ location: { file: 'data.xml', line: 1 }, message: { en: expect.stringMatching(/^The XML file is not well-formed: /) } });
  });

  test('When a JSON Lines file is given, then it is streamed line by line and a bad line is named', async () => {
    const report = await check([file('elever.jsonl', '{"id":"1","dato":"2024-01-01"}\n{"id":"2",\n{"id":"3","dato":"01.02.2024"}\n')], ['export.parses', 'export.iso-dates']);
    expect(findingsOf(report, 'export.parses').map((f) => [f.location?.line, f.outcome])).toEqual([[2, 'fail']]);
    expect(findingsOf(report, 'export.iso-dates', 'fail').map((f) => f.location)).toEqual([{ file: 'elever.jsonl', line: 3, field: 'dato' }]);
  });

  test('When a JSON Lines file has a JSON Schema for its records, then every line is checked against it and a breach names its line and pointer', async () => {
    const schema = file('elever.schema.json', JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['id'], properties: { id: { type: 'string' }, trinn: { type: 'integer' } }, additionalProperties: false }));
    const good = await check([file('elever.jsonl', '{"id":"1","trinn":3}\n{"id":"2","trinn":4}\n'), schema], ['export.json-schema']);
    expect(messagesOf(good, 'export.json-schema')).toEqual(['Every line of elever.jsonl follows the schema elever.schema.json.']);
    const bad = await check([file('elever.jsonl', '{"id":"1","trinn":3}\n{"id":"2","trinn":"fire"}\n{"trinn":5}\n'), schema], ['export.json-schema']);
    expect(findingsOf(bad, 'export.json-schema', 'fail').map((f) => [f.location?.line, f.location?.pointer])).toEqual([
      [2, '/trinn'],
      [3, ''],
    ]);
    expect(outcome(bad, 'export.json-schema')).toBe('fail');
  });

  test('When a JSON Lines file holds no records, then its fields and key cannot be compared with the data model, which is not a failure; an empty CSV header still is', async () => {
    const model = file('datamodell.yaml', 'datakravDataModel: 1\nfiles:\n  - path: tomme.jsonl\n    format: jsonl\n    primaryKey: [id]\n    fields: [id, navn]\n  - path: tomme.csv\n    primaryKey: [id]\n    fields: [id, navn]\n');
    const report = await check([model, file('tomme.jsonl', ''), file('tomme.csv', 'id\n')], ['export.data-model', 'export.records']);
    expect(findingsOf(report, 'export.data-model').map((f) => [f.location?.file, f.outcome, f.message.en])).toEqual([
      ['tomme.jsonl', 'not_applicable', 'tomme.jsonl holds no records, so its fields cannot be compared with the data model.'],
      ['tomme.csv', 'fail', 'The field "navn" of the data model is missing from tomme.csv.'],
    ]);
    expect(findingsOf(report, 'export.records', 'fail')).toEqual([]);
  });

  test('When text is UTF-8, then export.utf8 passes; an invalid byte fails with its offset and line', async () => {
    expect(outcome(await check(goodExport(), ['export.utf8']), 'export.utf8')).toBe('pass');
    const latin1 = file('latin1.csv', Buffer.concat([Buffer.from('navn\nOla\n'), Buffer.from([0xd8]), Buffer.from('ystein\n')]));
    const report = await check([latin1], ['export.utf8']);
    expect(findingsOf(report, 'export.utf8').map((f) => [f.outcome, f.location])).toEqual([['fail', { file: 'latin1.csv', byte: 9, line: 3 }]]);
    const stated = await check([latin1], [{ rule: 'export.parses', params: { csv: { encoding: 'windows-1252' } } }, 'export.utf8']);
    expect(outcome(stated, 'export.parses')).toBe('pass');
    expect(messagesOf(stated, 'export.utf8')).toEqual(['latin1.csv is stated to be WINDOWS-1252, not UTF-8.']);
  });

  test('When JSON follows its JSON Schema (2020-12), then export.json-schema passes; a breach fails at its JSON pointer', async () => {
    expect(messagesOf(await check(goodExport(), ['export.json-schema']), 'export.json-schema')).toEqual(['skoler.json follows the schema skoler.schema.json.']);
    const wrong = file('skoler.json', JSON.stringify({ skoler: [{ skoleId: 'X9', navn: 'Feil', opprettet: '15.08.1998' }] }));
    const report = await check([wrong, fixture('skoler.schema.json')], ['export.json-schema']);
    expect(findingsOf(report, 'export.json-schema', 'fail').map((f) => [f.location?.pointer, f.message.en])).toEqual([
      ['/skoler/0/skoleId', 'Does not follow the schema (#/properties/skoler/items/properties/skoleId/pattern): must match pattern "^S[0-9]+$".'],
      ['/skoler/0/opprettet', 'Does not follow the schema (#/properties/skoler/items/properties/opprettet/format): must match format "date".'],
    ]);
  });

  test('When the JSON Schema is draft-07, then it is used too; without any schema the rule is not applicable', async () => {
    const schema = file('data.schema.json', JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: { type: 'object', required: ['id'] } }));
    const report = await check([file('data.json', '[{"id": 1}, {"navn": "x"}]'), schema], ['export.json-schema']);
    expect(findingsOf(report, 'export.json-schema', 'fail').map((f) => [f.location?.pointer, f.message.en])).toEqual([['/1', "Does not follow the schema (#/items/required): must have required property 'id'."]]);
    expect(outcome(await check([file('data.json', '[]')], ['export.json-schema']), 'export.json-schema')).toBe('not_applicable');
  });

  test('When XML follows its XSD, then export.xsd passes; a breach fails with the line', async () => {
    expect(messagesOf(await check(goodExport(), ['export.xsd']), 'export.xsd')).toEqual(['klasser.xml follows the XSD klasser.xsd.']);
    const wrong = file('klasser.xml', '<?xml version="1.0"?>\n<klasser>\n  <klasse id="K1">\n    <navn>1A</navn>\n    <trinn>null</trinn>\n    <opprettet>2024-08-15</opprettet>\n  </klasse>\n</klasser>\n');
    const report = await check([wrong, fixture('klasser.xsd')], ['export.xsd']);
    const fails = findingsOf(report, 'export.xsd', 'fail');
    expect(fails).toHaveLength(1);
    expect(fails[0]?.location).toEqual({ file: 'klasser.xml', line: 5 });
    expect(fails[0]?.message.en).toMatch(/^Does not follow the XSD: .*trinn.*null/);
  }, 30_000);

  test('When every file and field of the data model is in the export, then export.data-model passes; missing ones fail by name', async () => {
    expect(findingsOf(await check(goodExport(), ['export.data-model']), 'export.data-model').map((f) => f.outcome)).toEqual(['pass', 'pass', 'pass']);
    const report = await check([fixture('poor-elever.csv'), fixture('poor-datamodell.yaml')], ['export.data-model']);
    expect(findingsOf(report, 'export.data-model', 'fail').map((f) => f.message.en)).toEqual([
      'The file "foresatte.csv" is in the data model, but not in the export.',
      'The field "etternavn" of the data model is missing from poor-elever.csv.',
    ]);
  });

  test('When the data model does not follow its format, then export.data-model fails naming the field', async () => {
    const report = await check([file('modell.yaml', 'datakravDataModel: 1\nfiles:\n  - path: a.csv\n    format: excel\n'), fixture('elever.csv')], ['export.data-model']);
    expect(messagesOf(report, 'export.data-model', 'fail')[0]).toMatch(/^The data model cannot be read: files\.0\.format: /);
  });

  test('When records are counted and the primary key is unique, then export.records passes; duplicates fail with the row', async () => {
    const passing = await check(goodExport(), ['export.records']);
    expect(outcome(passing, 'export.records')).toBe('pass');
    expect(findingsOf(passing, 'export.records').map((f) => f.details?.records).filter((n) => n !== undefined)).toEqual([3, 2, 2]);
    const report = await check([fixture('poor-elever.csv'), fixture('poor-datamodell.yaml')], ['export.records']);
    expect(findingsOf(report, 'export.records').map((f) => [f.outcome, f.location?.row ?? null, f.message.en])).toEqual([
      ['pass', null, 'poor-elever.csv: 4 records.'],
      ['fail', 3, 'The primary key elevId = "E1" appears earlier.'],
    ]);
  });

  test('When dates follow ISO 8601, then export.iso-dates passes; other forms, impossible dates and times without a zone fail', async () => {
    expect(outcome(await check(goodExport(), ['export.iso-dates']), 'export.iso-dates')).toBe('pass');
    const report = await check([fixture('poor-elever.csv')], ['export.iso-dates']);
    expect(findingsOf(report, 'export.iso-dates', 'fail').map((f) => [f.location?.row, f.message.en])).toEqual([
      [1, '"04.03.2012" does not follow ISO 8601 (YYYY-MM-DD).'],
      [3, '"2012-13-01" is not a valid date.'],
    ]);
    const zoneless = file('t.csv', 'id,endret\n1,2025-01-02T10:00:00\n');
    expect(messagesOf(await check([zoneless], ['export.iso-dates']), 'export.iso-dates', 'fail')).toEqual(['The date-time "2025-01-02T10:00:00" has no time zone.']);
    expect(outcome(await check([zoneless], [{ rule: 'export.iso-dates', params: { requireTimeZone: false } }]), 'export.iso-dates')).toBe('pass');
  });

  test('When a file has many failures, then the first are listed and the rest counted in one finding', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},01.01.2020`).join('\n');
    const report = await check([file('mange.csv', `id,dato\n${rows}\n`)], ['export.iso-dates']);
    const fails = findingsOf(report, 'export.iso-dates', 'fail');
    expect(fails).toHaveLength(21);
    expect(fails.at(-1)?.message.en).toBe('… and 480 more of the same kind in mange.csv.');
  });

  test('When the export is a zip, then its entries are checked and named in the findings and the report', async () => {
    const JSZip = (await import('jszip')).default;
    const zip = new JSZip();
    zip.file('eksport/elever.csv', fixture('elever.csv').bytes);
    zip.file('eksport/klasser.xml', fixture('klasser.xml').bytes);
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    const report = await check([file('eksport.zip', bytes)], ['export.parses', 'export.records']);
    expect(report.files[0]?.entries?.map((e) => [e.path, e.format])).toEqual([
      ['eksport/elever.csv', 'csv'],
      ['eksport/klasser.xml', 'xml'],
    ]);
    expect(findingsOf(report, 'export.parses').map((f) => f.location)).toEqual([
      { file: 'eksport.zip', entry: 'eksport/elever.csv' },
      { file: 'eksport.zip', entry: 'eksport/klasser.xml' },
    ]);
  });
});
