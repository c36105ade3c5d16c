import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/endpoints';
import type { Customer, CustomerInput } from '../api/models';
import { listItems, removeFromList, type PagedList } from '../cache/infinite-lists';
import { queryKeys } from '../cache/query-keys';
import { applyCustomer } from '../cache/stream-cache-effects';
import { CustomerAvatar } from './customer-avatar';
import { CustomerForm } from './customer-form';
import { customerLabel } from './customer-label';

/** Typing pauses this long before the search runs (a user action, not a poll). */
const SEARCH_DEBOUNCE_MS = 300;

type Editing = { mode: 'create' } | { mode: 'edit'; customer: Customer } | null;

export function CustomersPage() {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const [draft, setDraft] = useState(search);
  const [editing, setEditing] = useState<Editing>(null);

  useEffect(() => {
    if (draft === search) return undefined;
    const timer = setTimeout(
      () => setParams(draft ? { q: draft } : {}, { replace: true }),
      SEARCH_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [draft, search, setParams]);

  const query = useInfiniteQuery({
    queryKey: queryKeys.customers(search),
    queryFn: ({ pageParam }) => api.listCustomers(search, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const customers = listItems(query.data);

  const save = useMutation({
    mutationFn: (input: CustomerInput) =>
      editing?.mode === 'edit' ? api.updateCustomer(editing.customer.id, input) : api.createCustomer(input),
    onSuccess: (customer) => {
      applyCustomer(queryClient, customer, editing?.mode === 'create');
      setEditing(null);
    },
  });
  const remove = useMutation({
    mutationFn: (customer: Customer) => api.deleteCustomer(customer.id),
    onSuccess: (_answer, customer) => {
      for (const [key, data] of queryClient.getQueriesData<PagedList<Customer>>({
        queryKey: queryKeys.customerLists,
      })) {
        if (data) queryClient.setQueryData(key, removeFromList(data, customer.id));
      }
    },
  });

  const confirmDelete = (customer: Customer): void => {
    if (window.confirm(`Delete ${customerLabel(customer, customer.identities[0])}? This cannot be undone.`))
      remove.mutate(customer);
  };

  return (
    <div className="customers">
      <div className="toolbar">
        <h1>Customers</h1>
        <input
          type="search"
          aria-label="Search customers"
          placeholder="Search name, phone or email"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button
          type="button"
          onClick={() => {
            save.reset();
            setEditing({ mode: 'create' });
          }}
        >
          New customer
        </button>
      </div>
      {editing && (
        <CustomerForm
          key={editing.mode === 'edit' ? editing.customer.id : 'new'}
          customer={editing.mode === 'edit' ? editing.customer : undefined}
          busy={save.isPending}
          error={save.isError ? save.error.message : null}
          onSave={(input) => save.mutate(input)}
          onCancel={() => setEditing(null)}
        />
      )}
      {remove.isError && <p className="error">Could not delete: {remove.error.message}</p>}
      {query.isPending && <p className="muted">Loading customers…</p>}
      {query.isError && <p className="error">Could not load customers: {query.error.message}</p>}
      {query.isSuccess && (
        <table className="customer-table" data-testid="customer-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Phone</th>
              <th>Email</th>
              <th>Channels</th>
              <th>Notes</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {customers.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {search ? 'No customer matches.' : 'No customers yet.'}
                </td>
              </tr>
            )}
            {customers.map((customer) => (
              <tr key={customer.id} data-testid="customer-row" data-customer-id={customer.id}>
                <td>
                  <span className="customer-name">
                    <CustomerAvatar avatarUrl={customer.avatarUrl} name={customer.name} />
                    <span className={customer.name ? '' : 'muted'}>
                      {customerLabel(customer, customer.identities[0])}
                    </span>
                  </span>
                </td>
                <td>{customer.phone ?? ''}</td>
                <td>{customer.email ?? ''}</td>
                <td>
                  {customer.identities.map((identity) => (
                    <span
                      key={`${identity.channelId}:${identity.externalUserId}`}
                      className={`badge platform-${identity.platform}`}
                    >
                      {identity.platform}
                    </span>
                  ))}
                </td>
                <td className="notes">{customer.notes ?? ''}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      save.reset();
                      setEditing({ mode: 'edit', customer });
                    }}
                  >
                    Edit
                  </button>
                  <button type="button" className="link danger" onClick={() => confirmDelete(customer)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {query.hasNextPage && (
        <button
          type="button"
          className="secondary"
          disabled={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
