// Where pre-images come from: a kernel tree on disk, or a map of files (tests, editor buffers).
// A tree never hands out a file outside itself: relative paths are normalised and any that
// would leave the root (".." segments, absolute paths, symlinks pointing out) read as missing.
import * as fs from 'fs';
import * as path from 'path';

export interface TreeReader {
  root: string | null;                        // absolute directory, or null for an in-memory tree
  read(relPath: string): string | undefined;  // undefined: no such file (or not allowed)
  /** The file names in a directory of the tree (not recursive); [] when there is none. */
  list?(relDir: string): string[];
}

/** The normalised form of a tree-relative path, or undefined when it would escape the tree. */
export function normalizeRelPath(relPath: string): string | undefined {
  if (relPath === '' || relPath.includes('\0') || path.isAbsolute(relPath) || relPath.startsWith('\\')) return undefined;
  const n = path.posix.normalize(relPath.replace(/\\/g, '/'));
  if (n === '..' || n.startsWith('../') || n.startsWith('/') || n === '.') return undefined;
  return n.replace(/^\.\//, '');
}

export function fsTree(dir: string): TreeReader {
  const root = path.resolve(dir);
  let realRoot: string | undefined;
  return {
    root,
    read(relPath: string): string | undefined {
      const rel = normalizeRelPath(relPath);
      if (rel === undefined) return undefined;
      const abs = path.resolve(root, rel);
      if (abs !== root && !abs.startsWith(root + path.sep)) return undefined;
      try {
        realRoot ??= fs.realpathSync(root);
        const real = fs.realpathSync(abs);
        if (!real.startsWith(realRoot + path.sep)) return undefined;
        if (!fs.statSync(real).isFile()) return undefined;
        return fs.readFileSync(real, 'utf8');
      } catch {
        return undefined;
      }
    },
    list(relDir: string): string[] {
      const rel = relDir === '' ? '' : normalizeRelPath(relDir);
      if (rel === undefined) return [];
      try {
        realRoot ??= fs.realpathSync(root);
        const real = fs.realpathSync(path.resolve(root, rel));
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return [];
        return fs.readdirSync(real, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name).sort();
      } catch {
        return [];
      }
    },
  };
}

export function memoryTree(files: Record<string, string>): TreeReader {
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(files)) {
    const n = normalizeRelPath(k);
    if (n !== undefined) map.set(n, v);
  }
  return {
    root: null,
    read(relPath: string): string | undefined {
      const n = normalizeRelPath(relPath);
      return n === undefined ? undefined : map.get(n);
    },
  };
}
