// The SDK's widget on a plain page: what a shop that is not built on Gu's storefront embeds. The public key
// comes from the page (the server writes it), the rest is two calls to mountWidget.
import { GuClient, Tracker, mountWidget } from '@gu/sdk';
import './embed.css';

const apiKey = document.querySelector<HTMLMetaElement>('meta[name="gu-public-key"]')?.content ?? '';
const client = new GuClient({ apiKey });
const tracker = new Tracker({ apiKey });
const params = new URLSearchParams(location.search);
const locale = params.get('lang') === 'en' ? 'en' : 'vi';
const itemHref = (itemId: string) => `/p/${encodeURIComponent(itemId)}`;

mountWidget(document.querySelector<HTMLElement>('#gu-home')!, {
  client,
  tracker,
  placement: 'home',
  n: 6,
  locale,
  itemHref,
});
const itemId = params.get('item');
if (itemId)
  mountWidget(document.querySelector<HTMLElement>('#gu-pdp')!, {
    client,
    tracker,
    placement: 'pdp',
    itemId,
    n: 6,
    locale,
    itemHref,
  });
