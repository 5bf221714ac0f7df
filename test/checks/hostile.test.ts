import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import JSZip from 'jszip';
import { check, file, findingsOf, fixture, messagesOf, outcome } from './helpers';

/** Vendors are outside parties: every hostile input gets a clear finding, never a fetch, a hang or a crash. */
describe('hostile input', () => {
  let server: Server;
  let requests = 0;
  let url: string;
  let dir: string;
  const SECRET = 'hemmelig-innhold-som-aldri-skal-leses';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.end(JSON.stringify({ type: 'string', description: SECRET }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(path.join(tmpdir(), 'datakrav-hostile-'));
    await writeFile(path.join(dir, 'secret.json'), JSON.stringify({ type: 'object', description: SECRET }));
    await writeFile(path.join(dir, 'secret.xsd'), `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><!-- ${SECRET} --></xs:schema>`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test('When an OpenAPI $ref points at a URL or a file path, then nothing is fetched or read and each reference is a failing finding', async () => {
    const api = {
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `${url}/schema.json` } } } } } } } },
      components: { schemas: { Fil: { $ref: path.join(dir, 'secret.json') }, FilUrl: { $ref: `file://${path.join(dir, 'secret.json')}` }, Relativ: { $ref: '../secret.json#/x' } } },
    };
    const report = await check([file('api.json', JSON.stringify(api))], ['openapi.parses', 'openapi.read-operations']);
    expect(requests).toBe(0);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(findingsOf(report, 'openapi.parses', 'fail').map((f) => f.location?.pointer)).toEqual([
      '/components/schemas/Fil/$ref',
      '/components/schemas/FilUrl/$ref',
      '/components/schemas/Relativ/$ref',
      '/paths/~1a/get/responses/200/content/application~1json/schema/$ref',
    ]);
    expect(messagesOf(report, 'openapi.parses', 'fail')[0]).toMatch(/points outside the document and is not followed/);
  });

  test('When a JSON Schema or an XSD refers outside the upload, then nothing is fetched and the schema is refused with a finding', async () => {
    const schema = file('data.schema.json', JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { $ref: `${url}/a.json` }, b: { $ref: `file://${path.join(dir, 'secret.json')}` } } }));
    const xsd = file('data.xsd', `<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="${url}/other.xsd"/><xs:import schemaLocation="file://${path.join(dir, 'secret.xsd')}"/><xs:element name="a" type="xs:string"/></xs:schema>`);
    const report = await check([file('data.json', '{"a": "x"}'), schema, file('data.xml', '<a>x</a>'), xsd], ['export.json-schema', 'export.xsd']);
    expect(requests).toBe(0);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(outcome(report, 'export.json-schema')).toBe('fail');
    expect(messagesOf(report, 'export.json-schema', 'fail')[0]).toMatch(/^The schema data.schema.json cannot be used: .*References outside the uploaded schemas are not fetched\.$/);
    expect(messagesOf(report, 'export.xsd', 'fail')).toEqual([`The XSD refers to ${url}/other.xsd, file://${path.join(dir, 'secret.xsd')}, which is not uploaded. The checks fetch nothing from the network or the file system.`]);
  }, 30_000);

  test('When $refs loop, then the description is read once and the rules finish', async () => {
    const api = {
      openapi: '3.1.0',
      info: { title: 'x', version: '1' },
      paths: { '/noder': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } } } } },
      components: { schemas: { Node: { type: 'object', properties: { barn: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, par: { $ref: '#/components/schemas/Par' } } }, Par: { type: 'object', properties: { node: { $ref: '#/components/schemas/Node' } } }, Selv: { $ref: '#/components/schemas/Selv' } } },
    };
    const report = await check([file('api.json', JSON.stringify(api))], ['openapi.parses', 'openapi.read-operations', 'openapi.response-schemas']);
    expect(outcome(report, 'openapi.read-operations')).toBe('pass');
    expect(messagesOf(report, 'openapi.read-operations')).toEqual(['Node is read with GET /noder.', 'Par is read as part of another object type that has a GET operation.']);
    expect(report.rules.every((r) => r.outcome !== 'not_applicable')).toBe(true);
  });

  test('When $refs fan out to blow the description up, then it is refused before any tool dereferences it', async () => {
    const schemas: Record<string, unknown> = { L0: { type: 'string' } };
    for (let level = 1; level <= 30; level++) schemas[`L${level}`] = { type: 'array', items: { anyOf: Array.from({ length: 10 }, () => ({ $ref: `#/components/schemas/L${level - 1}` })) } };
    const api = { openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: {}, components: { schemas } };
    const started = Date.now();
    const report = await check([file('api.json', JSON.stringify(api))], ['openapi.parses']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(messagesOf(report, 'openapi.parses')).toEqual(['The references ($ref) in the API description blow it up to more than 2,000,000 nodes; it is not read further.']);
  });

  test('When a YAML description is an alias bomb, then it is refused without being expanded', async () => {
    const lines = ['openapi: 3.0.3', 'info: { title: x, version: "1" }', 'paths: {}', 'x-a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i <= 9; i++) lines.push(`x-a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    const report = await check([file('api.yaml', `${lines.join('\n')}\n`)], ['openapi.parses']);
    expect(outcome(report, 'openapi.parses')).toBe('fail');
    expect(messagesOf(report, 'openapi.parses')[0]).toMatch(/^The YAML file uses more aliases \(&\/\*\) than the limit of 100 and is not read/);
  });

  test('When XML declares external entities or entity expansion (XXE, billion laughs), then the DTD is never processed and the file is refused', async () => {
    const xxe = file('xxe.xml', `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file://${path.join(dir, 'secret.json')}">]>\n<r><a>&x;</a></r>`);
    const laughs = file('laughs.xml', `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>\n<lolz>&lol9;</lolz>`);
    const remote = file('remote.xml', `<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "${url}/r.dtd">\n<r/>`);
    const report = await check([xxe, laughs, remote, file('r.xsd', '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="r"/></xs:schema>')], ['export.parses', 'export.xsd']);
    expect(requests).toBe(0);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(findingsOf(report, 'export.parses').map((f) => [f.outcome, f.location?.file])).toEqual([
      ['fail', 'xxe.xml'],
      ['fail', 'laughs.xml'],
      ['fail', 'remote.xml'],
    ]);
    expect(messagesOf(report, 'export.parses')[0]).toMatch(/^The XML file has a DTD that declares entities or points at external files/);
    expect(findingsOf(report, 'export.xsd').every((f) => f.outcome === 'fail' || f.outcome === 'not_applicable')).toBe(true);
  }, 30_000);

  test('When a zip entry unpacks past the limit (a zip bomb), then unpacking stops at the limit with a finding', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const zip = new JSZip();
    zip.file('bombe.csv', zeros, { compression: 'DEFLATE' });
    zip.file('etter.csv', 'a,b\n1,2\n');
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    expect(bytes.length).toBeLessThan(200 * 1024);
    const report = await check([file('bombe.zip', bytes)], ['export.parses'], { fileBytes: 8 * 1024 * 1024 });
    expect(messagesOf(report, 'files.readable', 'fail')).toEqual(['The entry grows beyond 8 MiB when unpacked (the limit is 8 MiB per file and 512 MiB for the whole zip). Unpacking stopped.']);
    expect(report.files[0]?.entries).toEqual([{ path: 'bombe.csv', bytes: 64 * 1024 * 1024, sha256: null, format: null }]);
  }, 30_000);

  test('When a zip entry lies about its size in its header, then the bytes are counted as they unpack and the lie does not help', async () => {
    const data = Buffer.alloc(16 * 1024 * 1024, 0x41);
    const packed = deflateRawSync(data);
    const name = Buffer.from('liten.csv');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(10, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(10, 24);
    central.writeUInt16LE(name.length, 28);
    const centralStart = local.length + name.length + packed.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(centralStart, 16);
    const zip = Buffer.concat([local, name, packed, central, name, end]);
    const report = await check([file('luring.zip', zip)], ['export.parses'], { fileBytes: 4 * 1024 * 1024 });
    expect(messagesOf(report, 'files.readable', 'fail')).toEqual(['The entry grows beyond 4 MiB when unpacked (the limit is 4 MiB per file and 512 MiB for the whole zip). Unpacking stopped.']);
  });

  test('When zip entries have names with ../ or an absolute path, then they are not unpacked and each is named in a finding', async () => {
    const zip = new JSZip();
    zip.file('../../utenfor.csv', 'a\n1\n', { createFolders: false });
    zip.file('/etc/passwd', 'root:x:0:0\n', { createFolders: false });
    zip.file('inni.csv', 'a\n1\n');
    const report = await check([file('stier.zip', await zip.generateAsync({ type: 'uint8array' }))], ['export.parses']);
    const unsafe = findingsOf(report, 'files.readable', 'fail');
    expect(unsafe.map((f) => f.location?.entry).sort()).toEqual(['../../utenfor.csv', '/etc/passwd'].sort());
    expect(unsafe[0]?.message.en).toBe('The entry has an unsafe name (absolute path, ".." or backslash) and is not unpacked.');
    expect(findingsOf(report, 'export.parses').map((f) => f.location?.entry)).toEqual(['inni.csv']);
  });

  test('When a JSON Lines file is empty, then it holds no records and passes, while an empty CSV beside it fails', async () => {
    const report = await check([file('ingen-poster.jsonl', ''), file('tom.csv', '')], ['export.parses', 'export.records']);
    expect(findingsOf(report, 'files.readable').map((f) => [f.location?.file, f.outcome, f.message.en])).toEqual([
      ['ingen-poster.jsonl', 'pass', 'Read: 0 B, JSON Lines.'],
      ['tom.csv', 'fail', 'The file is empty (0 bytes).'],
    ]);
    expect(findingsOf(report, 'export.parses', 'fail')).toEqual([]);
    expect(findingsOf(report, 'export.records').map((f) => [f.location?.file, f.outcome, f.message.en])[0]).toEqual(['ingen-poster.jsonl', 'pass', 'ingen-poster.jsonl: 0 records.']);
    expect(report.summary.outcome).toBe('fail');
  });

  test('When a file is empty, then it gets a finding and nothing else is read from it', async () => {
    const report = await check([file('tom.csv', ''), file('tom.yaml', '')], ['export.parses', 'openapi.parses']);
    expect(findingsOf(report, 'files.readable').map((f) => [f.location?.file, f.outcome, f.message.en])).toEqual([
      ['tom.csv', 'fail', 'The file is empty (0 bytes).'],
      ['tom.yaml', 'fail', 'The file is empty (0 bytes).'],
    ]);
    expect(outcome(report, 'export.parses')).toBe('not_applicable');
    expect(report.summary.outcome).toBe('fail');
  });

  test('When a 200 MB JSON file comes, then it is refused by size with its checksum in the report, and the check finishes', async () => {
    const big = Buffer.alloc(200 * 1024 * 1024, 0x20);
    big[0] = 0x5b;
    const started = Date.now();
    const report = await check([file('stor.json', big)], ['export.parses']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(messagesOf(report, 'export.parses')).toEqual(['The JSON file is 200 MiB; JSON is read whole and the limit is 32 MiB. Large exports can be supplied as JSON Lines or CSV, which are streamed.']);
    expect(report.files[0]).toMatchObject({ name: 'stor.json', bytes: 200 * 1024 * 1024, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const tooLarge = await check([file('enda-storre.csv', big)], ['export.parses'], { fileBytes: 100 * 1024 * 1024 });
    expect(messagesOf(tooLarge, 'files.readable')).toEqual(['The file is 200 MiB; the limit is 100 MiB. It is not read.']);
  }, 60_000);

  test('When the content does not match the extension, then the file is refused naming what it is', async () => {
    const pdf = file('eksport.csv', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100, 1)]));
    const report = await check([pdf, file('data.xml', '{"a": 1}'), file('data.json', '<a/>'), file('arkiv.zip', 'ikke en zip'), file('tabell.csv', '{"a": 1}')], ['export.parses']);
    expect(findingsOf(report, 'files.readable').map((f) => [f.location?.file, f.message.en])).toEqual([
      ['eksport.csv', 'The content is PDF, not what the extension ".csv" promises.'],
      ['data.xml', 'The content looks like JSON, not what the extension ".xml" promises.'],
      ['data.json', 'The content looks like XML, not what the extension ".json" promises.'],
      ['arkiv.zip', 'The file is named .zip, but its content is not a zip file.'],
      ['tabell.csv', 'The content looks like JSON, not what the extension ".csv" promises.'],
    ]);
  });

  test('When text is not valid UTF-8, then the parse fails with the offset instead of reading garbage', async () => {
    const yaml = Buffer.concat([Buffer.from('openapi: 3.0.3\ninfo:\n  title: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n  version: "1"\npaths: {}\n')]);
    const report = await check([file('api.yaml', yaml)], ['openapi.parses']);
    expect(findingsOf(report, 'openapi.parses').map((f) => [f.outcome, f.location, f.message.en])).toEqual([['fail', { file: 'api.yaml', line: 3, column: 10, byte: 30 }, 'The file is not valid UTF-8: invalid byte at offset 30.']]);
  });

  test('When a document nests without end, then it is refused before any rule walks it', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const report = await check([file('dyp.json', deep), fixture('skoler.schema.json')], ['export.parses', 'export.json-schema']);
    expect(messagesOf(report, 'export.parses')).toEqual(['The document is nested deeper than 256 levels and is not read.']);
  });
});
