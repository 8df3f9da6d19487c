// An interface endpoint whose listener cannot bind is 'failed', with EC2's LastError saying
// why, and 'available' again once the server that reported the failure binds it. Only the
// reporting server clears a failure, so replicas that bind different addresses do not undo
// each other's reports.
import type { Store } from '../store/types.js';
import { Ec2Kind, type VpcEndpointSpec, vpcScope } from './records.js';
import { updateRow } from './rows.js';

export interface ListenerFailure {
  code: string;
  message: string;
}

/** Records the outcome of binding an endpoint's listeners on server `reporter`; true when the state changed. */
export async function reportEndpointListeners(
  store: Store,
  endpoint: Pick<VpcEndpointSpec, 'vpcEndpointId' | 'vpcId'>,
  reporter: string,
  failure: ListenerFailure | undefined,
): Promise<boolean> {
  return store.transact(async (tx) => {
    const row = await tx.get<VpcEndpointSpec>(Ec2Kind.vpcEndpoint, vpcScope(endpoint.vpcId), endpoint.vpcEndpointId);
    if (!row) return false;
    const spec = row.spec;
    if (failure && spec.state === 'available') {
      await updateRow(tx, row, {
        spec: { ...spec, state: 'failed', lastError: { ...failure, reportedBy: reporter } },
        status: 'failed',
      });
      return true;
    }
    if (
      failure &&
      spec.state === 'failed' &&
      spec.lastError?.reportedBy === reporter &&
      spec.lastError.message !== failure.message
    ) {
      await updateRow(tx, row, { spec: { ...spec, lastError: { ...failure, reportedBy: reporter } } });
      return true;
    }
    if (!failure && spec.state === 'failed' && spec.lastError?.reportedBy === reporter) {
      const { lastError: _cleared, ...rest } = spec;
      await updateRow(tx, row, { spec: { ...rest, state: 'available' }, status: 'available' });
      return true;
    }
    return false;
  });
}
