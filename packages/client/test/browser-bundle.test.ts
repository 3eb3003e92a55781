import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('the SDK bundled for a browser', () => {
  it('leaves out zod’s other locales and stays within its size budget', async () => {
    // As a web app's bundler takes it: the package entry, for the browser, minified.
    const built = await build({
      stdin: { contents: "export * from '@herald/client';", resolveDir: packageDir, loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@herald/source'],
      minify: true,
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    // What reached the output (the metafile's own inputs also list what was read and dropped).
    const [output] = Object.values(built.metafile.outputs);
    const inputs = Object.entries(output!.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    const locales = inputs.filter((path) => /zod\/v4\/locales\/(?!en\.js)/.test(path));
    // One `z.core` read at run time in the protocol package once pulled in all of them (264 KB).
    expect(locales).toEqual([]);
    const bytes = built.outputFiles[0]!.contents;
    console.log(
      `@herald/client for browsers: ${bytes.length} bytes minified, ${gzipSync(bytes).length} gzipped`,
    );
    // 115 KB (35 KB gzipped) when written, most of it zod's classic schemas; it was 473 KB.
    expect(bytes.length).toBeLessThan(150_000);
  });
});
