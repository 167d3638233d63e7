/** @aether/desktop: not yet built; see the open issues. */
export {};
