// Language server entry: filled in by the editor work.
export {};
