export { start } from './start.ts';
export { ThreadlineConfigError } from './config.ts';
export type {
  InstrumentationName,
  InstrumentationSetting,
  OtlpProtocol,
  ThreadlineHandle,
  ThreadlineNodeOptions,
} from './types.ts';
