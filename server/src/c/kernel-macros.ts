// Kernel macro names the neutralizer and the declaration reader know about. The attribute sets
// were derived from what breaks tree-sitter-c in mm/ of 2.6.26, 2.6.34, 6.1 and 6.12 (measured with
// `mmlock stats`): each one is a macro that expands to an attribute, a section or nothing.

/** Lock annotations (sparse): recorded, then blanked. */
export const ANNOTATIONS: Record<string, 'acquires' | 'releases' | 'must_hold'> = {
  __acquires: 'acquires',
  __releases: 'releases',
  __must_hold: 'must_hold',
  __acquire: 'acquires',
  __release: 'releases',
};

/** Attribute-like macros used bare (no arguments): blanked. */
export const ATTR_BARE = new Set<string>([
  // sections and init/exit markers
  '__init', '__exit', '__meminit', '__meminitdata', '__meminitconst', '__ref', '__refdata', '__refconst',
  '__initdata', '__initconst', '__exitdata', '__init_or_module', '__initdata_or_module',
  '__init_memblock', '__initdata_memblock', '__devinit', '__devinitdata', '__devexit', '__cpuinit',
  '__cpuinitdata', '__cpuexit', '__head', '__kprobes', '__nosavedata', '__page_aligned_bss',
  '__page_aligned_data', '__ro_after_init', '__read_mostly', '__initmem', '__irqentry_text',
  // inlining, tracing, calling convention
  '__always_inline', 'noinline', 'noinline_for_stack', '__noinline', '__inline', 'inline_for_stack',
  'notrace', 'noinstr', '__sched', '__lockfunc', 'asmlinkage', '__visible', '__flatten', '__nocfi',
  '__noreturn', '__cold', '__hot', '__pure', '__attribute_const__', '__malloc', '__weak', '__used',
  '__must_check', '__always_unused', '__maybe_unused', '__latent_entropy', '__deprecated',
  '__no_kcsan', '__no_sanitize_address', '__no_kasan_or_inline', '__no_sanitize_or_inline',
  '__no_kmsan_checks', '__no_sanitize_memory', '__no_sanitize_thread', '__no_stack_protector',
  '__noclone', '__naked', '__bpf_kfunc', '__ksym', '__fastcall', '__safe', '__nocast', 'fastcall', '__init_refok', '__meminit_refok', '__attribute_used__', '__randomize_layout', '__no_randomize_layout', '__designated_init',
  '__cacheline_aligned', '__cacheline_aligned_in_smp', '____cacheline_aligned', '____cacheline_aligned_in_smp',
  '____cacheline_internodealigned_in_smp', '__cacheline_internodealigned_in_smp', '__packed', '__nonstring',
  '__private', '__data_racy', '__noinline_for_stack',
  '__assume_kmalloc_alignment', '__assume_slab_alignment', '__assume_page_alignment',
  '__no_profile', '__noscs',
  // address-space and type qualifiers (sparse)
  '__user', '__kernel', '__iomem', '__percpu', '__rcu', '__force', '__bitwise', '__bitwise__',
]);

/** Attribute-like macros with an argument list: the name and its parentheses are blanked. */
export const ATTR_CALL = new Set<string>([
  '__attribute__', '__attribute', '__printf', '__scanf', '__section', '__aligned', '__alloc_size',
  '__realloc_size', '__assume_aligned', '__counted_by', '__cond_acquires', '__cond_releases',
  '__diagnose_as', '__nonnull', '__guarded_by', '__pt_guarded_by',
  '__malloc_like', '__copy', '__access', '__compiletime_error', '__compiletime_warning',
  '__alias', '__mode', '__retain',
]);

/**
 * Attribute macros that are also plausible function names (`__free(bdata, s, e)` in 2.6 bootmem.c):
 * blanked only after a declarator and before `=`, `;` or `,` (`struct x *p __free(kfree) = NULL;`).
 */
export const ATTR_CALL_AFTER_DECLARATOR = new Set<string>(['__free', '__cleanup']);

/** Macros that wrap a declarator and expand to it: `int uninitialized_var(x);` declares x. */
export const DECLARATOR_WRAPPERS = new Set<string>(['uninitialized_var']);

/** C keywords and built-ins that look like calls but are not (never rewritten as macros). */
export const C_KEYWORDS = new Set<string>([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return',
  'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void',
  'volatile', 'while', '_Bool', '_Complex', '_Alignas', '_Alignof', '_Atomic', '_Generic', '_Noreturn',
  '_Static_assert', '_Thread_local', '__inline__', '__inline', '__volatile__', '__asm__', '__asm', 'asm',
  'typeof', '__typeof__', '__typeof', '__alignof__', 'alignof', 'offsetof', '__builtin_offsetof',
  '__extension__', '__restrict', '__restrict__', '__const', '__const__', '__signed__', '__label__',
]);

/** Words that can make up a type written as a macro argument (`unsigned long`, `const struct foo *`). */
export const TYPE_WORDS = new Set<string>([
  'struct', 'union', 'enum', 'const', 'volatile', 'unsigned', 'signed', 'long', 'short', 'int', 'char',
  'void', 'float', 'double', '_Bool', 'bool',
]);
export const TAG_WORDS = new Set<string>(['struct', 'union', 'enum']);

/**
 * Declaration macros: `NAME(var, ...)` declares `var` of this type. Used for locals
 * (`VMA_ITERATOR(vmi, mm, 0)`) and globals (`static DEFINE_SPINLOCK(swap_lock)`). A type of ''
 * means "the first argument is the type, the second the name" (`DEFINE_PER_CPU(type, name)`).
 */
export const DECL_MACROS: Record<string, string> = {
  DEFINE_SPINLOCK: 'spinlock_t',
  DEFINE_RAW_SPINLOCK: 'raw_spinlock_t',
  DEFINE_RWLOCK: 'rwlock_t',
  DEFINE_MUTEX: 'mutex',
  DECLARE_RWSEM: 'rw_semaphore',
  DEFINE_SEMAPHORE: 'semaphore',
  DECLARE_MUTEX: 'semaphore',
  DEFINE_SEQLOCK: 'seqlock_t',
  DEFINE_STATIC_PERCPU_RWSEM: 'percpu_rw_semaphore',
  DEFINE_PERCPU_RWSEM: 'percpu_rw_semaphore',
  DEFINE_SRCU: 'srcu_struct',
  DEFINE_STATIC_SRCU: 'srcu_struct',
  LIST_HEAD: 'list_head',
  HLIST_HEAD: 'hlist_head',
  LLIST_HEAD: 'llist_head',
  DEFINE_WAIT: 'wait_queue_entry',
  DEFINE_WAIT_FUNC: 'wait_queue_entry',
  DECLARE_WAITQUEUE: 'wait_queue_entry',
  DECLARE_WAIT_QUEUE_HEAD: 'wait_queue_head',
  DECLARE_WAIT_QUEUE_HEAD_ONSTACK: 'wait_queue_head',
  DECLARE_COMPLETION: 'completion',
  DECLARE_COMPLETION_ONSTACK: 'completion',
  VMA_ITERATOR: 'vma_iterator',
  MA_STATE: 'ma_state',
  MA_TOPIARY: 'ma_topiary',
  XA_STATE: 'xa_state',
  XA_STATE_ORDER: 'xa_state',
  DEFINE_XARRAY: 'xarray',
  DEFINE_XARRAY_ALLOC: 'xarray',
  DEFINE_XARRAY_FLAGS: 'xarray',
  DEFINE_IDR: 'idr',
  DEFINE_IDA: 'ida',
  DEFINE_RATELIMIT_STATE: 'ratelimit_state',
  DECLARE_BITMAP: 'unsigned long',
  DEFINE_STATIC_KEY_FALSE: 'static_key_false',
  DEFINE_STATIC_KEY_TRUE: 'static_key_true',
  DEFINE_PER_CPU: '',
  DEFINE_PER_CPU_SHARED_ALIGNED: '',
  DEFINE_PER_CPU_ALIGNED: '',
  DEFINE_PER_CPU_READ_MOSTLY: '',
  DECLARE_PER_CPU: '',
};
