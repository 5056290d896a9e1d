/**
 * Wallet endpoints of the simulated account (wallet/capital-config docs: "All Coins' Information",
 * GET /sapi/v1/capital/config/getall). One network per coin, deposits and withdrawals enabled.
 */
import { Json } from './format';

interface AccountBalance {
  asset: string;
  free: string;
  locked: string;
}

/** Coin list in the shape of GET /sapi/v1/capital/config/getall, from an account.status/account reply. */
export function coinConfigs(account: Json): Json[] {
  const balances = ((account as { balances?: AccountBalance[] }).balances ?? []) as AccountBalance[];
  return balances.map((b): Json => ({
    coin: b.asset,
    depositAllEnable: true,
    withdrawAllEnable: true,
    name: b.asset,
    free: b.free,
    locked: b.locked,
    freeze: '0',
    withdrawing: '0',
    ipoing: '0',
    ipoable: '0',
    storage: '0',
    isLegalMoney: false,
    trading: true,
    networkList: [
      {
        network: b.asset,
        coin: b.asset,
        withdrawIntegerMultiple: '0.00000001',
        isDefault: true,
        depositEnable: true,
        withdrawEnable: true,
        depositDesc: '',
        withdrawDesc: '',
        specialTips: '',
        name: b.asset,
        resetAddressStatus: false,
        addressRegex: '^.+$',
        memoRegex: '',
        withdrawFee: '0',
        withdrawMin: '0',
        withdrawMax: '9999999999',
        minConfirm: 1,
        unLockConfirm: 1,
        sameAddress: false,
        estimatedArrivalTime: 1,
        busy: false,
      },
    ],
  }));
}
