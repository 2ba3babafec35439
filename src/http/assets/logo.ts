/** Kassa's mark: a till receipt with a check, drawn for any size and both themes. */
export const KASSA_LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#1f5bd8"/><path d="M9 7h14v18l-2.3-1.6L18.3 25 16 23.4 13.7 25l-2.4-1.6L9 25z" fill="#fff"/><path d="m12.5 15.5 2.5 2.5 5-5" fill="none" stroke="#1f5bd8" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>';
