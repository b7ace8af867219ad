// Kept in step with package.json by hand: sources run unbuilt, and a JSON import would pull
// package.json into the compiled output's rootDir.
export const PACKAGE_NAME = '@threadline/express';
export const PACKAGE_VERSION = '0.1.0';
