import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { evaluate } from './evaluate.js';
import { loadRuleSet, ruleSetFormat } from './load-rule-set.js';
import { parseRuleSet } from './parse-rule-set.js';
import { RulesError } from './rules-error.js';

function failure(text: string, options: { format?: 'yaml' | 'json'; source?: string } = {}): RulesError {
  try {
    parseRuleSet(text, { source: 'rules/acme.yaml', ...options });
  } catch (error) {
    if (RulesError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('parsed');
}

const minimal = `
rules:
  - id: order-created
    match: { type: order.created }
    recipients: [owner]
    template: { title: 'New order' }
`;

describe('parseRuleSet', () => {
  test('parses a minimal rule set with defaults', () => {
    const ruleSet = parseRuleSet(minimal, { source: 'rules/acme.yaml' });
    expect(ruleSet.source).toBe('rules/acme.yaml');
    expect(ruleSet.ruleIds).toEqual(['order-created']);
    expect(ruleSet.definition.defaults).toEqual({
      locale: 'en',
      timezone: 'UTC',
      priority: 'normal',
      category: 'general',
      channels: ['in_app'],
    });
    expect(ruleSet.definition.rules[0]!.enabled).toBe(true);
  });

  test('parses JSON', () => {
    const json = JSON.stringify({
      tenant: 'acme',
      rules: [
        { id: 'a', match: { type: 'order.*' }, recipients: ['owner'], template: { en: { title: 'x' } } },
      ],
    });
    expect(parseRuleSet(json, { format: 'json' }).tenant).toBe('acme');
  });

  test('an empty file is not a rule set', () => {
    expect(failure('').message).toBe('rules/acme.yaml: rules: required');
  });

  test('names the file, the field path and the line of a missing field', () => {
    const error = failure(`
rules:
  - id: a
    match: { type: order.created }
    recipients: [owner]
    template: { title: A }
  - id: b
    match: { type: order.paid }
    recipients: [owner]
    template: { title: B }
  - id: c
    match: { type: ticket.assigned }
    recipients:
      - field:
    template: { title: C }
`);
    expect(error.code).toBe('INVALID_RULE_SET');
    expect(error.message).toBe('rules/acme.yaml: rules[2].recipients[0].field: required (line 14)');
    expect(error.issues[0]).toEqual({
      field: 'rules[2].recipients[0].field',
      message: 'required',
      line: 14,
      column: 15,
    });
    expect(error.source).toBe('rules/acme.yaml');
  });

  test('lists every problem, and the count in the message', () => {
    const error = failure(`
rules:
  - id: Bad Id
    match: { type: order.created }
    recipients: [manager]
    template: { title: A }
    priority: urgent
`);
    expect(error.issues.map((issue) => issue.field)).toEqual([
      'rules[0].id',
      'rules[0].recipients[0]',
      'rules[0].priority',
    ]);
    expect(error.message).toMatch(
      /^rules\/acme\.yaml: rules\[0\]\.id: invalid rule id .* \(line 3\) \(and 2 more\)$/,
    );
    expect(error.issues[1]!.message).toBe(
      'expected customer, owner, or one of { users }, { team }, { field }',
    );
  });

  test.each([
    [
      'an unknown member',
      `rules: [{ id: a, match: { type: a.b }, recipients: [owner], template: { title: x }, colour: red }]`,
      'rules[0].colour',
      /unknown field/,
    ],
    [
      'an unknown template root',
      `rules: [{ id: a, match: { type: a.b }, recipients: [owner], template: { title: '{{order.id}}' } }]`,
      'rules[0].template.default.title',
      /must start with/,
    ],
    [
      'a bad locale',
      `rules: [{ id: a, match: { type: a.b }, recipients: [owner], template: { english!: { title: x } } }]`,
      'rules[0].template["english!"]',
      /invalid locale/,
    ],
    [
      'a duplicate rule id',
      `rules: [{ id: a, match: { type: a.b }, cancel: { cancellationKey: k } }, { id: a, match: { type: a.c }, cancel: { cancellationKey: k } }]`,
      'rules[1].id',
      /duplicate rule id/,
    ],
    [
      'a bad type pattern',
      `rules: [{ id: a, match: { type: Order.Created }, cancel: { cancellationKey: k } }]`,
      'rules[0].match.type',
      /invalid type pattern/,
    ],
    [
      'a bad condition',
      `rules: [{ id: a, match: { type: a.b, when: [{ field: data.x, op: in, value: 3 }] }, cancel: { cancellationKey: k } }]`,
      'rules[0].match.when[0].value',
      /non-empty list/,
    ],
    [
      'a bad operator',
      `rules: [{ id: a, match: { type: a.b, when: [{ field: data.x, op: like }] }, cancel: { cancellationKey: k } }]`,
      'rules[0].match.when[0].op',
      /Invalid option/,
    ],
    [
      'a bad time zone',
      `rules: [{ id: a, match: { type: a.b }, schedule: { in: PT1H, timezone: Mars/Base, notify: { recipients: [owner], template: { title: x } } } }]`,
      'rules[0].schedule.timezone',
      /unknown time zone/,
    ],
    [
      'a bad duration',
      `rules: [{ id: a, match: { type: a.b }, recipients: [owner], template: { title: x }, expiresIn: soon }]`,
      'rules[0].expiresIn',
      /invalid duration/,
    ],
    [
      'a bad default expiry',
      `defaults: { expiresIn: P0D }\nrules: [{ id: a, match: { type: a.b }, recipients: [owner], template: { title: x } }]`,
      'defaults.expiresIn',
      /duration/,
    ],
    [
      'a schedule without a time',
      `rules: [{ id: a, match: { type: a.b }, schedule: { notify: { recipients: [owner], template: { title: x } } } }]`,
      'rules[0].schedule.at',
      /required/,
    ],
    [
      'a cancel of an unknown reminder',
      `rules: [{ id: a, match: { type: a.b }, cancel: { reminder: nope } }]`,
      'rules[0].cancel.reminder',
      /no schedule rule 'nope'/,
    ],
    [
      'a rule that does nothing',
      `rules: [{ id: a, match: { type: a.b } }]`,
      'rules[0].recipients',
      /required/,
    ],
    [
      'recipients without a template',
      `rules: [{ id: a, match: { type: a.b }, recipients: [owner] }]`,
      'rules[0].template',
      /required/,
    ],
    [
      'a recipient of two kinds',
      `rules: [{ id: a, match: { type: a.b }, recipients: [{ team: x, field: data.y }], template: { title: x } }]`,
      'rules[0].recipients[0]',
      /exactly one/,
    ],
    [
      'a team name that is not an id',
      `rules: [{ id: a, match: { type: a.b }, recipients: [{ team: 'sales team' }], template: { title: x } }]`,
      'rules[0].recipients[0].team',
      /invalid id/,
    ],
    [
      'a bad recipient field',
      `rules: [{ id: a, match: { type: a.b }, recipients: [{ field: assigneeId }], template: { title: x } }]`,
      'rules[0].recipients[0].field',
      /must start with/,
    ],
    [
      'a bad channel',
      `rules: [{ id: a, match: { type: a.b }, recipients: [owner], template: { title: x }, channels: [fax] }]`,
      'rules[0].channels[0]',
      /Invalid option/,
    ],
    ['a bad default locale', `defaults: { locale: '!!' }\nrules: []`, 'defaults.locale', /invalid locale/],
    [
      'a reschedule of a key without a time',
      `rules: [{ id: a, match: { type: a.b }, reschedule: { cancellationKey: k } }]`,
      'rules[0].reschedule.at',
      /required/,
    ],
  ])('names %s', (_what, text, field, message) => {
    const error = failure(text);
    expect(error.issues[0]!.field).toBe(field);
    expect(error.issues[0]!.message).toMatch(message);
    expect(error.message.startsWith(`rules/acme.yaml: ${field}: `)).toBe(true);
  });

  test('reports YAML syntax errors with their line', () => {
    const error = failure('rules:\n  - id: a\n   bad: [\n');
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toBe('rules/acme.yaml: invalid YAML: Sequence item without - indicator (line 3)');
    expect(error.issues[0]).toMatchObject({ line: 3, column: 1 });
  });

  test('refuses duplicate keys in YAML', () => {
    expect(failure('rules: []\nrules: []').code).toBe('PARSE_FAILED');
  });

  test('reports JSON syntax errors', () => {
    const error = failure('{"rules": [}', { format: 'json', source: 'rules/acme.json' });
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/^rules\/acme\.json: invalid JSON: /);
  });

  test('names fields in JSON files with their line', () => {
    const json = JSON.stringify(
      { rules: [{ id: 'a', match: { type: 'a.b' }, recipients: ['owner'], template: { title: 1 } }] },
      null,
      2,
    );
    const error = failure(json, { format: 'json', source: 'rules/acme.json' });
    expect(error.message).toMatch(
      /^rules\/acme\.json: rules\[0\]\.template\.default\.title: .* \(line \d+\)$/,
    );
  });

  test('refuses alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`,
      ),
      'rules: []',
    ].join('\n');
    expect(failure(bomb).code).toBe('PARSE_FAILED');
  });
});

describe('loadRuleSet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-rules-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('loads YAML and JSON by extension', async () => {
    await writeFile(join(dir, 'acme.yaml'), minimal);
    await writeFile(
      join(dir, 'globex.json'),
      JSON.stringify({
        rules: [{ id: 'a', match: { type: 'a.b' }, recipients: ['owner'], template: { title: 'x' } }],
      }),
    );
    expect((await loadRuleSet(join(dir, 'acme.yaml'))).ruleIds).toEqual(['order-created']);
    expect((await loadRuleSet(join(dir, 'globex.json'))).source).toBe(join(dir, 'globex.json'));
  });

  test('names the file in validation errors', async () => {
    const path = join(dir, 'broken.yml');
    await writeFile(path, 'rules: [{ id: a }]');
    await expect(loadRuleSet(path)).rejects.toThrow(`${path}: rules[0].match: required`);
  });

  test('a missing file is READ_FAILED; another extension INVALID_ARGUMENT', async () => {
    await expect(loadRuleSet(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'READ_FAILED' });
    await expect(loadRuleSet(join(dir, 'rules.txt'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(ruleSetFormat('A.YML')).toBe('yaml');
  });
});

describe('RulesError', () => {
  test('is recognised across copies and keeps its cause', () => {
    const cause = new Error('inner');
    const error = new RulesError('READ_FAILED', 'x', { cause });
    expect(error.cause).toBe(cause);
    expect(RulesError.isInstance(error)).toBe(true);
    expect(RulesError.isInstance({ [Symbol.for('@herald/rules/error')]: true })).toBe(true);
    expect(RulesError.isInstance(new Error('x'))).toBe(false);
  });
});

describe('the README', () => {
  test('its rule file example is a valid rule set that does what it says', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const ruleSet = parseRuleSet(example!, { source: 'README.md' });
    expect(ruleSet.ruleIds).toEqual(['big-order', 'payment-due', 'payment-due-cancel', 'payment-due-move']);
    const { notifications, reminders, warnings } = evaluate(
      ruleSet,
      {
        id: 'e1',
        type: 'order.created',
        customerId: 'c1',
        occurredAt: '2030-01-01T00:00:00.000Z',
        data: {
          orderId: '7',
          total: 1000,
          currency: 'EUR',
          status: 'open',
          dueAt: '2030-01-02T10:00:00Z',
          assigneeId: 'agent-1',
        },
      },
      { customer: { name: 'Ada', ownerId: 'rep-1' }, teamMembers: () => ['rep-9', 'mgr-1'] },
    );
    expect(warnings).toEqual([]);
    expect(notifications.map((n) => n.recipient)).toEqual([
      'rep-1',
      'c1',
      'rep-7',
      'rep-9',
      'mgr-1',
      'agent-1',
    ]);
    expect(notifications[0]).toMatchObject({
      title: 'Big order #7',
      body: 'Ada spent 1000 EUR',
      collapseKey: 'order:7',
    });
    expect(reminders[0]).toMatchObject({
      kind: 'create',
      at: '2030-01-02T09:00:00.000Z',
      cancellationKey: 'order:7:payment-due',
    });
  });
});
