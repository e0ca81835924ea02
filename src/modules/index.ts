import { ModuleRegistry } from '../domain/module-registry';
import { accountsModule } from './accounts/accounts-module';
import { invoicesModule } from './invoices/invoices-module';
import { packagesModule } from './packages/packages-module';
import { plansModule } from './plans/plans-module';
import { subscriptionsModule } from './subscriptions/subscriptions-module';

/** Every business module. A new one is a folder under src/modules/ and one line here. */
export function buildModuleRegistry(): ModuleRegistry {
  return new ModuleRegistry()
    .register(invoicesModule)
    .register(accountsModule)
    .register(subscriptionsModule)
    .register(packagesModule)
    .register(plansModule);
}
