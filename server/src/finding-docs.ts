// The finding codes' one-line titles, descriptions and documentation links (README anchors).
import type { FindingCode } from './findings';

const BASE = 'https://github.com/mmlock/mmlock/blob/main/README.md#';

export const CODE_DOCS: Record<FindingCode, { title: string; description: string; url: string }> = {
  'lock-order': { title: 'Lock-order inversion', description: 'A lock is acquired while a lock that must come after it in the documented mm lock hierarchy is held.', url: BASE + 'lock-order' },
  'sleep-in-atomic': { title: 'Sleeping in atomic context', description: 'A sleeping lock or a call that may sleep while a spinlock, rwlock or bit spinlock is held, preemption or interrupts are disabled, or inside an RCU read-side section.', url: BASE + 'sleep-in-atomic' },
  'double-lock': { title: 'Double locking', description: 'A lock of a class already held is acquired again on the same path without a nesting annotation.', url: BASE + 'double-lock' },
  'unbalanced-lock': { title: 'Unbalanced locking', description: 'A path leaves the function with a lock held (or released) that other paths or the function\'s role do not.', url: BASE + 'unbalanced-lock' },
  'unlock-unheld': { title: 'Unlock of a lock not held', description: 'A lock is released on a path where it is not held.', url: BASE + 'unlock-unheld' },
  'irq-state': { title: 'IRQ-unsafe use of an IRQ-safe lock', description: 'A lock that is taken from interrupt context is taken with interrupts enabled.', url: BASE + 'irq-state' },
  'analysis-limit': { title: 'Analysis incomplete', description: 'A function was not fully analysed (parse trouble, state or time bound); findings in it may be missing.', url: BASE + 'analysis-limit' },
};
