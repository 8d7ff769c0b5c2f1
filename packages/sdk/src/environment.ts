/** The parts of the browser the tracker reads or listens to; injectable so tests need no DOM. */
export interface TrackerEnvironment {
  /** Receives pagehide and online. */
  window?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { innerWidth?: number };
  /** Receives visibilitychange. */
  document?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { visibilityState?: string };
  location?: { protocol: string; host: string; pathname: string };
  navigator?: {
    userAgent?: string;
    language?: string;
    userAgentData?: { mobile?: boolean };
    sendBeacon?: (url: string, data?: BodyInit | null) => boolean;
  };
}

/** The real globals of a browser page (all undefined in Node). */
export function browserEnvironment(): TrackerEnvironment {
  const g = globalThis as unknown as TrackerEnvironment;
  return { window: g.window, document: g.document, location: g.location, navigator: g.navigator };
}

const MOBILE_AGENT = /Mobi|Android|iPhone|iPod|iPad|Windows Phone|Opera Mini|IEMobile|Silk|BlackBerry/i;
/** Below this viewport width a browser that does not say what it is counts as a phone. */
const MOBILE_MAX_WIDTH = 768;

/** 'mobile' or 'desktop' from the user agent (client hints first), else the viewport width. */
export function deviceOf(env: TrackerEnvironment): 'mobile' | 'desktop' | undefined {
  const hinted = env.navigator?.userAgentData?.mobile;
  if (typeof hinted === 'boolean') return hinted ? 'mobile' : 'desktop';
  const agent = env.navigator?.userAgent;
  if (agent && MOBILE_AGENT.test(agent)) return 'mobile';
  const width = env.window?.innerWidth;
  if (typeof width === 'number' && width > 0) return width < MOBILE_MAX_WIDTH ? 'mobile' : 'desktop';
  return agent ? 'desktop' : undefined;
}

/**
 * The URL of the event stream: ws(s) on the API's origin, or on the page's when baseUrl is '' or a path.
 * Undefined when neither is known (no WebSocket then: REST only).
 */
export function streamUrl(baseUrl: string, apiKey: string, env: TrackerEnvironment): string | undefined {
  const path = `/v1/events/stream?key=${encodeURIComponent(apiKey)}`;
  const base = baseUrl.replace(/\/+$/, '');
  if (/^https?:\/\//i.test(base)) return `${base.replace(/^http/i, 'ws')}${path}`;
  if (/^wss?:\/\//i.test(base)) return `${base}${path}`;
  const location = env.location;
  if (!location?.host) return undefined;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${base}${path}`;
}
