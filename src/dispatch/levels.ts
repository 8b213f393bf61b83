/** Who may run a command, lowest first. A leaf module, so the service interfaces can name it without importing the dispatcher. */
export type AccessLevel = 'anyone' | 'maintainer' | 'admin';
