/* global fetch */
// The storefront and the dashboard in headless Chromium against a real `gu start`: a shopper on a phone
// browses a category, views products, adds to cart and buys; the home page's recommendations follow the
// views; the operator opens the dashboard. Screenshots go to test-artifacts/screenshots/.
/* global sessionStorage -- read inside the page by page.evaluate */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PUBLIC_KEY, SECRET_KEY, readFixture, seedShop, startShop, trainShop } from './shop-server.mjs';

const CHROMIUM = process.env.GU_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const SHOTS = join(import.meta.dirname, '../../../test-artifacts/screenshots');
/** The category the shopper browses; the fixture has 50 products in it. */
const AISLE = 'Frozen Pizza';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
if (skip) console.log(`# skipping the browser test: ${skip}`);

describe('storefront and dashboard in Chromium', { skip, timeout: 120_000 }, () => {
  let shop;
  let browser;
  let phone;
  let page;
  /** Errors the pages threw or logged: a shop that works shows none. */
  const pageErrors = [];
  const aisleOf = new Map(readFixture().items.map((i) => [i.itemId, i.categories[1]]));

  /** The item ids of a recommendation widget once it has loaded, and its list id. */
  async function widget(name) {
    const shelf = page.locator(`[data-widget="${name}"]:not([data-loading])`);
    await shelf.locator('[data-item-id]').first().waitFor();
    return {
      id: await shelf.getAttribute('data-recommendation-id'),
      recipe: await shelf.getAttribute('data-recipe'),
      items: await shelf.locator('[data-item-id]').evaluateAll((cards) => cards.map((c) => c.dataset.itemId)),
      reasons: await shelf.locator('.reason').allTextContents(),
    };
  }

  /** A screenshot once the "added to cart" toast is gone. */
  const shot = async (name, options = {}) => {
    await page.locator('.toast').waitFor({ state: 'hidden' });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), ...options });
  };
  const share = (ids) => ids.filter((id) => aisleOf.get(id) === AISLE).length / ids.length;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    [shop, browser] = await Promise.all([
      startShop(),
      chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    ]);
    await seedShop(shop);
    await trainShop(shop);
    phone = await browser.newContext({ ...PHONE, locale: 'vi-VN' });
    page = await phone.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  let firstHome;

  it('opens the home page in Vietnamese, with recommendations and trending products', async () => {
    await page.goto(shop.url);
    await page.getByText('Đề xuất cho riêng bạn').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    firstHome = await widget('home');
    assert.ok(firstHome.items.length >= 4, `home shows ${firstHome.items.length} recommendations`);
    assert.ok(firstHome.id, 'a served list has a recommendationId');
    assert.ok((await widget('trending')).items.length > 0);
    // Prices in đồng as Vietnamese shops write them: "45.000 ₫".
    assert.match(await page.locator('.card .price').first().textContent(), /^\d{1,3}(\.\d{3})* ₫$/);
    await shot('01-home');
  });

  it('browses a category, views products, follows a recommendation and adds to cart', async () => {
    await page.locator('.chips').getByRole('link', { name: AISLE }).click();
    await page.waitForURL(`**/c/${encodeURIComponent(AISLE)}`);
    await page.locator('[data-list="items"] [data-item-id]').first().waitFor();
    assert.match(await page.locator('.count').textContent(), /^50 sản phẩm$/);
    const cards = page.locator('[data-list="items"] .card-link');
    for (const index of [0, 2, 4, 6]) {
      await cards.nth(index).click();
      await page.waitForURL('**/p/*');
      await page.locator('.product-title').waitFor();
      const pdp = await widget('pdp');
      assert.ok(pdp.reasons.length > 0, 'each recommendation says why');
      if (index === 0 || index === 4) {
        await page.getByRole('button', { name: 'Thêm vào giỏ', exact: true }).click();
        await page.locator('.toast').waitFor();
      }
      if (index === 4) {
        await shot('02-product', { fullPage: true });
        // "Customers who viewed this also viewed": a click there is reported with the list's id.
        const next = pdp.items.find((id) => aisleOf.get(id) === AISLE) ?? pdp.items[0];
        await page.locator(`[data-widget="pdp"] [data-item-id="${next}"] .card-link`).click();
        await page.waitForURL(`**/p/${next}`);
        await page.locator('.product-title').waitFor();
        await widget('pdp');
        // Bought later, it is credited to that list (attributed revenue).
        await page.getByRole('button', { name: 'Thêm vào giỏ', exact: true }).click();
        await page.locator('.toast').waitFor();
        await page.goBack();
        await page.locator('.product-title').waitFor();
      }
      await page.goBack();
      await page.locator('[data-list="items"] [data-item-id]').first().waitFor();
    }
    assert.equal(await page.getByTestId('cart-count').textContent(), '3');
  });

  it('shows different recommendations on the home page after the views, leaning to that category', async (t) => {
    await page.getByRole('link', { name: 'Trang chủ' }).first().click();
    let now = await widget('home');
    for (let i = 0; i < 20 && now.id === firstHome.id; i++) {
      await sleep(100);
      now = await widget('home');
    }
    assert.notDeepEqual(now.items, firstHome.items, 'the list changed');
    t.diagnostic(
      `${AISLE}: ${share(firstHome.items)} of the list before the views, ${share(now.items)} after`,
    );
    // The aisle is a sixth of the catalog; after the views it holds at least twice that share of the list.
    assert.ok(
      share(now.items) >= 2 * (50 / 300) && share(now.items) > share(firstHome.items),
      `${AISLE}: ${share(firstHome.items)} of the first list, ${share(now.items)} after the views: ` +
        now.items.map((id) => aisleOf.get(id)).join(', ') +
        ` / ${now.reasons.join(' | ')} / ${now.recipe}`,
    );
    assert.ok(
      now.reasons.some((r) => r.startsWith('Vì bạn đã xem')),
      `reasons: ${now.reasons.join(' | ')}`,
    );
    await shot('03-home-after-views', { fullPage: true });
  });

  it('checks out: the cart suggests what completes the order, the order is recorded', async () => {
    const before = await shop.api('/v1/admin/kpis?window=60');
    await page.getByRole('link', { name: 'Giỏ hàng' }).click();
    await page.locator('.cart-line').first().waitFor();
    assert.equal(await page.locator('.cart-line').count(), 3);
    await page.locator('.cart-line').first().getByRole('button', { name: 'Tăng' }).click();
    assert.equal(await page.getByTestId('cart-count').textContent(), '4');
    const total = await page.getByTestId('cart-total').textContent();
    await widget('cart');
    await shot('04-cart', { fullPage: true });

    await page.getByRole('link', { name: /Tiến hành đặt hàng/ }).click();
    await page.getByRole('button', { name: 'Đặt hàng' }).click();
    assert.equal(await page.locator('.field-error').count(), 3, 'an empty form is refused, field by field');
    await page.getByLabel('Họ và tên').fill('Nguyễn Thị Lan');
    await page.getByLabel('Số điện thoại').fill('0912 345 678');
    await page.getByLabel('Địa chỉ nhận hàng').fill('12 Lý Tự Trọng, Bến Nghé, Quận 1, TP. Hồ Chí Minh');
    assert.equal(await page.locator('.checkout [data-testid="cart-total"]').textContent(), total);
    await page.getByRole('button', { name: 'Đặt hàng' }).click();
    await page.waitForURL('**/order/*');
    await page.getByText('Đặt hàng thành công!').waitFor();
    assert.equal(await page.getByTestId('cart-count').count(), 0, 'the cart is empty');
    await shot('05-order');

    let kpis;
    for (let i = 0; i < 50; i++) {
      kpis = await shop.api('/v1/admin/kpis?window=60');
      if (kpis.orders > before.orders) break;
      await sleep(100);
    }
    // The seeded history counts too (the server received it a minute ago): one more order, this one.
    assert.equal(kpis.orders, before.orders + 1);
    assert.ok(kpis.revenue > before.revenue);
    assert.ok(kpis.widgets.home?.impressions > 0, 'home impressions were reported');
    assert.ok(kpis.widgets.pdp?.clicks >= 1, 'the click on a pdp recommendation was reported');
    assert.ok(
      kpis.attributedRevenue > before.attributedRevenue,
      'the item bought from a list is credited to it',
    );
  });

  it('signs in and keeps what the anonymous session viewed (merge)', async () => {
    const user = '0912345678';
    const forUser = () =>
      shop.api(`/v1/recommendations?userId=${user}&placement=home&n=8&explain=true`, { key: PUBLIC_KEY });
    assert.notEqual((await forUser()).recipe, 'user-personalization', 'a user without history');
    await page.getByRole('link', { name: 'Đăng nhập' }).click();
    await page.getByLabel('Số điện thoại hoặc mã khách hàng').fill(user);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(shop.url + '/');
    await page.getByRole('link', { name: `Chào ${user}` }).waitFor();
    const home = await widget('home');
    assert.ok(
      home.reasons.some((r) => r.startsWith('Vì bạn đã xem')),
      'still personalized after sign-in',
    );
    // The next event carries both ids: the server moves the session's history to the user.
    await page.locator('[data-widget="home"] .card-link').first().click();
    await page.locator('.product-title').waitFor();
    await widget('pdp');
    const merged = await forUser();
    assert.equal(merged.recipe, 'user-personalization');
    const anchors = merged.items.map((i) => i.reason?.itemId).filter(Boolean);
    assert.ok(
      anchors.some((id) => aisleOf.get(id) === AISLE),
      `the user's list comes from what the session viewed: ${anchors.map((id) => aisleOf.get(id))}`,
    );
  });

  it('switches to English', async () => {
    await page.goto(shop.url);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Picked just for you').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match(await page.locator('.card .price').first().textContent(), /^\d{1,3}(,\d{3})* ₫$/);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  });

  it('opens the dashboard with the secret key: live tiles, charts, models, data quality', async () => {
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const admin = await desk.newPage();
    admin.on('pageerror', (error) => pageErrors.push(String(error)));
    admin.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await admin.goto(`${shop.url}/admin`);
    await admin.getByLabel('Khóa bí mật (secret key)').fill(PUBLIC_KEY);
    await admin.getByRole('button', { name: 'Vào bảng điều khiển' }).click();
    await admin.getByRole('alert').waitFor();
    await admin.getByLabel('Khóa bí mật (secret key)').fill(SECRET_KEY);
    await admin.getByRole('button', { name: 'Vào bảng điều khiển' }).click();

    await admin.locator('[data-kpi="events"] .tile-value').filter({ hasNotText: '…' }).waitFor();
    assert.match(await admin.locator('[data-kpi="conversion"] .tile-value').textContent(), /%/);
    assert.match(await admin.locator('[data-kpi="aov"] .tile-value').textContent(), /₫/);
    for (const chart of ['events', 'latency', 'ctr'])
      await admin.locator(`[data-chart="${chart}"] canvas`).waitFor();
    assert.ok(await admin.locator('[data-chart="ctr"] tr[data-widget="home"]').count());
    await admin.locator('[data-table="models"] tr.serving').first().waitFor();
    const serving = await admin.locator('[data-table="models"] tr.serving').count();
    assert.ok(serving >= 5, `${serving} recipes serve`);
    assert.match(await admin.locator('[data-table="models"]').textContent(), /ndcg@20/);
    await admin.locator('[data-list="quality"] .report').first().waitFor();
    // Let a refresh pass, so that the charts have drawn.
    await sleep(400);
    await admin.screenshot({ path: join(SHOTS, '06-dashboard.png'), fullPage: true });
    assert.equal(
      await admin.evaluate(() => sessionStorage.getItem('gu.adminKey')),
      SECRET_KEY,
      'the key is kept for the session',
    );
    await desk.close();
  });

  it('runs an A/B test from the dashboard: the shop serves its variants and the figures count the shopper', async () => {
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const admin = await desk.newPage();
    admin.on('pageerror', (error) => pageErrors.push(String(error)));
    admin.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await admin.goto(`${shop.url}/admin`);
    await admin.getByLabel('Khóa bí mật (secret key)').fill(SECRET_KEY);
    await admin.getByRole('button', { name: 'Vào bảng điều khiển' }).click();
    await admin.getByRole('button', { name: 'Thử nghiệm mới' }).click();
    const form = admin.getByRole('form', { name: 'Thử nghiệm mới' });
    await form.getByLabel('Tên', { exact: true }).fill('Gợi ý cho bạn vs bán chạy');
    assert.equal(await form.getByLabel('Vị trí').inputValue(), 'home');
    assert.equal(await form.getByLabel('Mức tăng tối thiểu (%)').inputValue(), '10');
    await form.getByLabel('Mức tăng tối thiểu (%)').fill('5');
    await form.getByRole('button', { name: 'Bắt đầu' }).click();
    const card = admin.locator('[data-experiment][data-status="running"]');
    await card.waitFor();
    const started = await fetch(
      `${shop.url}/v1/admin/experiments/${await card.getAttribute('data-experiment')}`,
      {
        headers: { 'x-api-key': SECRET_KEY },
      },
    );
    assert.equal((await started.json()).minimumLift, 0.05, 'planned for the lift the form asked');
    assert.match(await card.locator('[data-minimum-lift]').textContent(), /tìm mức tăng từ 5\s?%/);
    assert.deepEqual(
      await card.locator('tr[data-variant]').evaluateAll((rows) => rows.map((r) => r.dataset.variant)),
      ['bestsellers', 'personalized'],
    );

    // The shopper's home page is now served in one of the variants; its impressions reach the figures.
    await page.goto(shop.url);
    const home = await widget('home');
    const [, experiment, variant] = home.id.split('.');
    assert.equal(experiment, await card.getAttribute('data-experiment'));
    assert.equal(home.recipe, variant === 'bestsellers' ? 'popular' : 'user-personalization');
    const shoppers = card.locator(`tr[data-variant="${variant}"] td.num`).first();
    for (let t = 0; t < 100 && (await shoppers.textContent()) === '0'; t++) await sleep(100);
    assert.equal(await shoppers.textContent(), '1', 'the shopper counts in their variant');
    await admin.screenshot({ path: join(SHOTS, '08-experiment.png'), fullPage: true });

    admin.once('dialog', (dialog) => dialog.accept());
    await card.getByRole('button', { name: 'Dừng' }).click();
    await admin.locator('[data-experiment][data-status="stopped"]').waitFor();
    await desk.close();
  });

  it('embeds the SDK widget in a plain page: items with reasons, impressions and a click with the list id', async () => {
    const other = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'vi-VN' });
    const embed = await other.newPage();
    embed.on('pageerror', (error) => pageErrors.push(String(error)));
    const sent = [];
    embed.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/v1/events'))
        sent.push(...request.postDataJSON());
    });
    embed.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => sent.push(...(JSON.parse(String(payload)).events ?? []))),
    );
    const product = [...aisleOf.keys()].find((id) => aisleOf.get(id) === AISLE);
    await embed.goto(`${shop.url}/embed?item=${encodeURIComponent(product)}`);
    const pdp = embed.locator('#gu-pdp .gu-widget__item');
    await pdp.first().waitFor();
    assert.ok((await embed.locator('#gu-home .gu-widget__item').count()) > 0, 'the home widget shows items');
    assert.ok((await pdp.count()) > 0, 'the product widget shows items');
    assert.ok((await embed.locator('.gu-widget__reason').count()) > 0, 'items say why');
    await embed.screenshot({ path: join(SHOTS, '07-embed.png'), fullPage: true });
    const listId = await embed.locator('#gu-pdp .gu-widget').getAttribute('data-gu-recommendation-id');
    const clicked = await pdp.first().locator('a').getAttribute('data-gu-item-id');
    await pdp.first().locator('a').click();
    await embed.waitForURL(/\/p\//);
    // The tracker flushes within 100 ms, and on leaving the page by beacon.
    for (let t = 0; t < 50 && !sent.some((e) => e.eventType === 'recommendation_click'); t++)
      await sleep(100);
    const impressions = sent.filter((e) => e.eventType === 'recommendation_impression');
    assert.ok(
      impressions.some((e) => e.recommendationId === listId),
      'impressions carry the list id',
    );
    const click = sent.find((e) => e.eventType === 'recommendation_click');
    assert.deepEqual([click?.recommendationId, click?.itemId], [listId, clicked]);
    await other.close();
  });

  it('threw no error in any page', () => {
    // The wrong key tried on purpose answers 403; the browser logs that failed request.
    const unexpected = pageErrors.filter((e) => !/status of 403/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
