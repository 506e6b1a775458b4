// A bad profile: the message always names the file and, when there is one, the field (a JSON pointer),
// e.g. `my.json: /classes/3/kind must be one of spinlock, rwlock, ...`.

export class ProfileError extends Error {
  constructor(
    message: string,
    /** the profile file (or built-in id) the problem is in */
    readonly profileFile: string,
    /** JSON pointer of the offending field, when there is one */
    readonly pointer?: string,
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}
