import { describe, expect, test } from 'vitest';
import { openApiDocument, type JsonSchema } from './open-api-document.js';

const document = openApiDocument({
  title: 'Herald',
  version: '1.2.3',
  serverUrl: 'https://herald.example.com',
});

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refs(inner, found);
    }
  }
  return found;
}

function resolve(pointer: string): unknown {
  expect(pointer.startsWith('#/')).toBe(true);
  let node: unknown = document;
  for (const part of pointer.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

describe('openApiDocument', () => {
  test('is an OpenAPI 3.1 document with info and servers', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'Herald', version: '1.2.3' });
    expect(document.servers).toEqual([{ url: 'https://herald.example.com' }]);
    expect(openApiDocument({ title: 'x', version: '1' }).servers).toBeUndefined();
  });

  test('describes every endpoint', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /v1/events',
        'POST /v1/events/batch',
        'GET /v1/customers/{id}',
        'PUT /v1/customers/{id}',
        'POST /v1/subscribers/{id}/token',
        'GET /v1/subscribers/{id}',
        'PUT /v1/subscribers/{id}',
        'GET /v1/teams',
        'GET /v1/teams/{id}',
        'PUT /v1/teams/{id}',
        'DELETE /v1/teams/{id}',
        'POST /v1/teams/{id}/members',
        'DELETE /v1/teams/{id}/members/{subscriber}',
        'GET /v1/subscribers/{id}/preferences',
        'PUT /v1/subscribers/{id}/preferences',
        'GET /v1/preferences',
        'PUT /v1/preferences',
        'DELETE /v1/reminders',
        'GET /v1/inbox',
        'GET /v1/inbox/unread-count',
        'POST /v1/inbox/mark',
        'POST /v1/reminders',
        'GET /v1/reminders',
        'GET /v1/reminders/{id}',
        'PATCH /v1/reminders/{id}',
        'DELETE /v1/reminders/{id}',
      ].sort(),
    );
  });

  test('every $ref resolves', () => {
    const all = refs(document);
    expect(all.length).toBeGreaterThan(30);
    for (const pointer of all) expect(resolve(pointer), pointer).toBeDefined();
  });

  test('every operation has a success response, an error response, security and a unique id', () => {
    const ids = new Set<string>();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const operation of Object.values(methods)) {
        const statuses = Object.keys(operation.responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          path,
        ).toBe(true);
        expect(statuses).toContain('400');
        expect(operation.security.length).toBe(1);
        expect(ids.has(operation.operationId)).toBe(false);
        ids.add(operation.operationId);
      }
    }
  });

  test('declares every path parameter', () => {
    for (const [path, methods] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const operation of Object.values(methods)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared).toEqual(names);
      }
    }
  });

  test('contains the event schema from zod', () => {
    const event = document.components.schemas.CrmEvent!;
    expect(event.type).toBe('object');
    expect(event.required).toEqual(['type', 'customerId', 'occurredAt', 'data']);
    expect(event.additionalProperties).toBe(false);
    const properties = event.properties as Record<string, JsonSchema>;
    expect(properties.type!.pattern).toBe('^[a-z][a-z0-9_-]*(?:\\.[a-z][a-z0-9_-]*)+$');
    expect(properties.occurredAt!.format).toBe('date-time');
    expect(properties.priority).toEqual({ $ref: '#/components/schemas/Priority' });
    expect(document.paths['/v1/events']!.post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/CrmEvent' } } },
    });
    expect(JSON.stringify(document.components.schemas)).not.toContain('"$schema"');
  });

  test('the inbox query parameters come from the query schema', () => {
    const parameters = document.paths['/v1/inbox']!.get!.parameters!;
    expect(parameters.map((p) => p.name)).toEqual([
      'limit',
      'cursor',
      'unread',
      'unseen',
      'category',
      'archived',
    ]);
    expect(parameters.every((p) => p.in === 'query' && p.required === false)).toBe(true);
  });

  test('is JSON and independent per call', () => {
    const copy = openApiDocument({ title: 'Herald', version: '1.2.3' });
    copy.components.schemas.CrmEvent!.type = 'changed';
    expect(openApiDocument({ title: 'Herald', version: '1.2.3' }).components.schemas.CrmEvent!.type).toBe(
      'object',
    );
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});
