import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { GuClient } from './client.js';
import { FakeFetch, FakeIntersectionObserver, fakeMount, settle } from './testing/fakes.js';
import type { Tracker } from './tracker.js';
import type { Item } from './types.js';
import { mountWidget, type WidgetOptions } from './widget.js';

const item = (itemId: string, title: string, price: number, imageUrl?: string): Item => ({
  itemId,
  title,
  categories: ['Thời trang'],
  price,
  currency: 'VND',
  createdAt: 0,
  available: true,
  attributes: {},
  ...(imageUrl ? { imageUrl } : {}),
});

const CATALOG: Record<string, Item> = {
  a: item('a', 'Áo thun', 125_000, 'https://cdn.shop.vn/a.jpg'),
  b: item('b', 'Quần jean', 450_000),
  c: item('c', 'Giày', 990_000),
  seen: item('seen', 'Mũ lưỡi trai', 80_000),
};

const ANSWER = {
  recommendationId: 'rec-1',
  placement: 'pdp',
  recipe: 'similar-items',
  modelVersion: null,
  variant: 'default',
  fallback: false,
  tookMs: 1,
  items: [
    { itemId: 'a', score: 3, reason: { type: 'viewed', itemId: 'seen' } },
    { itemId: 'gone', score: 2.5 },
    { itemId: 'b', score: 2, reason: { type: 'trending' } },
    { itemId: 'c', score: 1, reason: { type: 'similar-users' } },
  ],
};

function setup(options: Partial<WidgetOptions> = {}, answer: unknown = ANSWER) {
  const fetch = new FakeFetch((call) => {
    const url = new URL(call.url, 'https://shop.vn');
    const path = url.pathname;
    if (path === '/v1/recommendations') return { status: 200, body: answer };
    if (path === '/v1/items') {
      // The batch lookup: the known ones, in order; unknown ids are skipped.
      const items = url.searchParams
        .get('ids')!
        .split(',')
        .flatMap((id) => CATALOG[id] ?? []);
      return { status: 200, body: { total: items.length, items } };
    }
    const found = CATALOG[decodeURIComponent(path.slice('/v1/items/'.length))];
    return found
      ? { status: 200, body: found }
      : { status: 404, body: { error: { code: 'UNKNOWN_ITEM', message: 'no item' } } };
  });
  const events: unknown[][] = [];
  const tracker = {
    userId: 'u1',
    sessionId: 's1',
    impression: (...args: unknown[]) => events.push(['impression', ...args]),
    click: (...args: unknown[]) => events.push(['click', ...args]),
  } as unknown as Tracker;
  const { el, html } = fakeMount();
  const errors: unknown[] = [];
  const widget = mountWidget(html, {
    client: new GuClient({ apiKey: 'pk', fetch: fetch.fetch }),
    tracker,
    placement: 'pdp',
    itemId: 'seen',
    n: 4,
    itemHref: (id) => `/san-pham/${id}`,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { el, widget, fetch, events, errors };
}

describe('mountWidget', () => {
  beforeEach(() => (FakeIntersectionObserver.instances = []));

  it('renders a titled list of links with image, title, price and reason (vi)', async () => {
    const { el, widget, fetch } = setup();
    await widget.ready;
    const recs = new URL(fetch.calls[0].url, 'https://shop.vn').searchParams;
    assert.deepEqual(Object.fromEntries(recs), {
      userId: 'u1',
      sessionId: 's1',
      itemId: 'seen',
      placement: 'pdp',
      n: '4',
      explain: 'true',
    });
    const section = el.find('gu-widget')!;
    assert.equal(section.getAttribute('data-gu-recommendation-id'), 'rec-1');
    assert.equal(el.find('gu-widget__title')!.textContent, 'Sản phẩm tương tự');
    const links = el.findAll('gu-widget__link');
    assert.deepEqual(
      links.map((a) => a.getAttribute('href')),
      ['/san-pham/a', '/san-pham/b', '/san-pham/c'],
      'an item the catalog does not know is left out',
    );
    assert.deepEqual(
      el.findAll('gu-widget__price').map((p) => p.textContent),
      ['125.000 ₫', '450.000 ₫', '990.000 ₫'],
    );
    assert.deepEqual(
      el.findAll('gu-widget__reason').map((p) => p.textContent),
      ['Vì bạn đã xem Mũ lưỡi trai', 'Đang thịnh hành', 'Khách hàng tương tự cũng thích'],
    );
    const image = el.find('gu-widget__image')!;
    assert.equal(image.getAttribute('src'), 'https://cdn.shop.vn/a.jpg');
    assert.equal(image.getAttribute('alt'), 'Áo thun');
    assert.equal(el.findAll('gu-widget__image').length, 1);
  });

  it('speaks English when asked, and takes a title', async () => {
    const { el, widget } = setup({ locale: 'en', title: 'You may also like' });
    await widget.ready;
    assert.equal(el.find('gu-widget__title')!.textContent, 'You may also like');
    assert.deepEqual(
      el.findAll('gu-widget__reason').map((p) => p.textContent),
      ['Because you viewed Mũ lưỡi trai', 'Trending now', 'Shoppers like you also liked'],
    );
    assert.equal(el.find('gu-widget__price')!.textContent, '125,000 ₫');
  });

  it('without IntersectionObserver, sends one impression per shown item at render', async () => {
    const { widget, events } = setup();
    await widget.ready;
    assert.deepEqual(events, [['impression', 'rec-1', ['a', 'b', 'c']]]);
  });

  it('with IntersectionObserver, waits until half the list is visible, then sends impressions once', async () => {
    const Observer = FakeIntersectionObserver as unknown as typeof IntersectionObserver;
    const { el, widget, events } = setup({ IntersectionObserver: Observer });
    await widget.ready;
    const [observer] = FakeIntersectionObserver.instances;
    assert.equal(observer.observed[0], el.find('gu-widget__list'));
    observer.show(0.3);
    assert.equal(events.length, 0);
    observer.show(0.6);
    observer.show(1);
    assert.deepEqual(events, [['impression', 'rec-1', ['a', 'b', 'c']]]);
    assert.ok(observer.disconnected);
  });

  it('sends a click with the recommendationId when an item is followed', async () => {
    const Observer = FakeIntersectionObserver as unknown as typeof IntersectionObserver;
    const { el, widget, events } = setup({ IntersectionObserver: Observer });
    await widget.ready;
    el.findAll('gu-widget__link')[1].dispatch('click');
    assert.deepEqual(events, [['click', 'rec-1', 'b']]);
  });

  it('shows nothing for an empty list, and reports a failure without throwing', async () => {
    const empty = setup({}, { ...ANSWER, items: [] });
    await empty.widget.ready;
    assert.equal(empty.el.children.length, 0);

    const failing = setup({}, undefined);
    failing.fetch.answer({ status: 503, body: { error: { code: 'NOT_READY', message: 'starting' } } });
    await failing.widget.refresh();
    assert.equal(failing.el.children.length, 0);
    assert.equal((failing.errors[0] as { code: string }).code, 'NOT_READY');
  });

  it('destroy() empties the element, stops listening, and ignores a refresh in flight', async () => {
    const { el, widget } = setup();
    await widget.ready;
    const link = el.find('gu-widget__link')!;
    assert.equal(link.listenerCount('click'), 1);
    const pending = widget.refresh();
    widget.destroy();
    await pending;
    await settle();
    assert.equal(el.children.length, 0);
    assert.equal(link.listenerCount('click'), 0);
  });
});
