/** Everything a page needs to show "1-50 of 230" and previous/next links. */
export function pagination(input: { page: number; pageSize: number; total: number; basePath: string; query?: Record<string, unknown> }) {
  const pages = Math.max(1, Math.ceil(input.total / input.pageSize));
  const link = (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (key === 'page' || value === undefined || value === null || value === '') continue;
      if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
      else params.set(key, value instanceof Date ? value.toISOString().slice(0, 10) : String(value));
    }
    params.set('page', String(page));
    return `${input.basePath}?${params.toString()}`;
  };
  return {
    page: input.page,
    pages,
    total: input.total,
    from: input.total === 0 ? 0 : (input.page - 1) * input.pageSize + 1,
    to: Math.min(input.total, input.page * input.pageSize),
    previous: input.page > 1 ? link(input.page - 1) : null,
    next: input.page < pages ? link(input.page + 1) : null,
  };
}
