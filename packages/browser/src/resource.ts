import {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_TELEMETRY_SDK_NAME,
  ATTR_TELEMETRY_SDK_VERSION,
  ATTR_USER_AGENT_ORIGINAL,
  TELEMETRY_SDK_LANGUAGE_VALUE_WEBJS,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_BROWSER_BRANDS,
  ATTR_BROWSER_LANGUAGE,
  ATTR_BROWSER_MOBILE,
  ATTR_BROWSER_PLATFORM,
} from './browser-attributes.ts';
import type { Attributes } from './types.ts';
import { SCOPE_NAME, VERSION } from './version.ts';

interface UserAgentData {
  brands?: readonly { brand: string; version: string }[];
  platform?: string;
  mobile?: boolean;
}

/** Resource attributes: the service, the SDK, and the browser (UA client hints where offered). */
export function resourceAttributes(
  serviceName: string,
  serviceVersion: string | undefined,
  extra: Attributes,
  nav: Navigator | undefined,
): Attributes {
  const attributes: Record<string, Attributes[string]> = {
    ...extra,
    [ATTR_SERVICE_NAME]: serviceName,
    [ATTR_SERVICE_VERSION]: serviceVersion,
    [ATTR_TELEMETRY_SDK_NAME]: SCOPE_NAME,
    [ATTR_TELEMETRY_SDK_LANGUAGE]: TELEMETRY_SDK_LANGUAGE_VALUE_WEBJS,
    [ATTR_TELEMETRY_SDK_VERSION]: VERSION,
  };
  if (nav !== undefined) {
    attributes[ATTR_USER_AGENT_ORIGINAL] = nav.userAgent;
    if (typeof nav.language === 'string') attributes[ATTR_BROWSER_LANGUAGE] = nav.language;
    const hints = (nav as { userAgentData?: UserAgentData }).userAgentData;
    if (hints !== undefined) {
      if (Array.isArray(hints.brands)) {
        attributes[ATTR_BROWSER_BRANDS] = hints.brands.map((b) => `${b.brand} ${b.version}`);
      }
      if (typeof hints.platform === 'string') attributes[ATTR_BROWSER_PLATFORM] = hints.platform;
      if (typeof hints.mobile === 'boolean') attributes[ATTR_BROWSER_MOBILE] = hints.mobile;
    }
  }
  return attributes;
}
