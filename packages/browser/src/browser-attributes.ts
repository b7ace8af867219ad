// Incubating semantic conventions for browsers: copied, not imported from
// `@opentelemetry/semantic-conventions/incubating`, as that package advises for unstable names.

/** Absolute URL of the page a record or span came from. */
export const ATTR_BROWSER_DOCUMENT_URL_FULL = 'browser.document.url.full';
/** UA client hints brands, e.g. `['Chromium 156']`. */
export const ATTR_BROWSER_BRANDS = 'browser.brands';
/** UA client hints platform, e.g. `Linux`. */
export const ATTR_BROWSER_PLATFORM = 'browser.platform';
/** UA client hints: a mobile browser. */
export const ATTR_BROWSER_MOBILE = 'browser.mobile';
/** `navigator.language`. */
export const ATTR_BROWSER_LANGUAGE = 'browser.language';
