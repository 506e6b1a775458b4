// Finding the kernel tree that holds the pre-images: the `mmlock.kernelTree` setting, else the
// document's own tree (a patch or .c file inside one), else a workspace folder or one of its
// direct subfolders. A kernel tree is a folder with a Makefile, mm/ and include/linux/.
import * as fs from 'fs';
import * as path from 'path';

export function isKernelTree(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, 'Makefile')).isFile()
      && fs.statSync(path.join(dir, 'mm')).isDirectory()
      && fs.statSync(path.join(dir, 'include', 'linux')).isDirectory();
  } catch {
    return false;
  }
}

export interface TreeChoice { dir: string | null; origin: 'setting' | 'document' | 'workspace' | 'none'; problem?: string }

export function findKernelTree(opts: { setting: string; folders: string[]; docPath: string | null }): TreeChoice {
  let problem: string | undefined;
  if (opts.setting) {
    const dir = path.resolve(opts.folders[0] ?? process.cwd(), opts.setting);
    if (isKernelTree(dir)) return { dir, origin: 'setting' };
    problem = `mmlock.kernelTree: ${dir} is not a kernel tree (needs Makefile, mm/ and include/linux/)`;
  }
  if (opts.docPath) {
    // Walk up from the document, but not past the filesystem root (bounded: 40 levels).
    let d = path.dirname(opts.docPath);
    for (let i = 0; i < 40; i++) {
      if (isKernelTree(d)) return { dir: d, origin: 'document', problem };
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  for (const f of opts.folders) {
    if (isKernelTree(f)) return { dir: f, origin: 'workspace', problem };
    let entries: fs.Dirent[] = [];
    try { entries = fs.readdirSync(f, { withFileTypes: true }); } catch { /* unreadable folder: skip */ }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const d = path.join(f, e.name);
      if (isKernelTree(d)) return { dir: d, origin: 'workspace', problem };
    }
  }
  return { dir: null, origin: 'none', problem };
}
