import { CreateCustomerDto } from './create-customer.dto.js';

/** The same fields and rules as create: absent = unchanged, null = cleared. */
export class UpdateCustomerDto extends CreateCustomerDto {}
