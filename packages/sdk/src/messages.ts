import type { Locale } from './format.js';
import type { Placement, ReasonType } from './types.js';

interface Messages {
  titles: Record<Placement, string>;
  viewed: (title: string) => string;
  viewedUnknown: string;
  reasons: Record<Exclude<ReasonType, 'viewed'>, string>;
}

/** What the widget says, in Vietnamese (the shops' language) and English. */
export const MESSAGES: Record<Locale, Messages> = {
  vi: {
    titles: { home: 'Gợi ý cho bạn', pdp: 'Sản phẩm tương tự', cart: 'Thường được mua cùng' },
    viewed: (title) => `Vì bạn đã xem ${title}`,
    viewedUnknown: 'Dựa trên sản phẩm bạn đã xem',
    reasons: {
      'bought-together': 'Thường được mua cùng',
      trending: 'Đang thịnh hành',
      popular: 'Bán chạy',
      'similar-users': 'Khách hàng tương tự cũng thích',
    },
  },
  en: {
    titles: { home: 'Recommended for you', pdp: 'Similar products', cart: 'Frequently bought together' },
    viewed: (title) => `Because you viewed ${title}`,
    viewedUnknown: 'Based on what you viewed',
    reasons: {
      'bought-together': 'Frequently bought together',
      trending: 'Trending now',
      popular: 'Best seller',
      'similar-users': 'Shoppers like you also liked',
    },
  },
};

/** The line under a recommended item saying why it is there; undefined for an unknown reason. */
export function reasonText(
  reason: { type: string; itemId?: string } | undefined,
  locale: Locale,
  titleOf: (itemId: string) => string | undefined,
): string | undefined {
  if (!reason) return undefined;
  const m = MESSAGES[locale];
  if (reason.type === 'viewed') {
    const title = reason.itemId ? titleOf(reason.itemId) : undefined;
    return title ? m.viewed(title) : m.viewedUnknown;
  }
  return (m.reasons as Record<string, string>)[reason.type];
}
