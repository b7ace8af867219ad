import { hello } from './hello.ts';
export { hello };
