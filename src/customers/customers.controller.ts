import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { CustomersService } from './customers.service.js';
import { CreateCustomerDto } from './dto/create-customer.dto.js';
import { ListCustomersQueryDto } from './dto/list-customers-query.dto.js';
import { UpdateCustomerDto } from './dto/update-customer.dto.js';

/** Customers are workspace-wide: admins and agents alike. */
@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  listCustomers(@CurrentUser() actor: AuthUser, @Query() query: ListCustomersQueryDto) {
    return this.customers.listCustomers(actor, query);
  }

  @Post()
  createCustomer(@CurrentUser() actor: AuthUser, @Body() dto: CreateCustomerDto) {
    return this.customers.createCustomer(actor, dto);
  }

  @Get(':id')
  getCustomer(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.customers.getCustomer(actor, id);
  }

  @Patch(':id')
  updateCustomer(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateCustomerDto,
  ) {
    return this.customers.updateCustomer(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async deleteCustomer(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.customers.deleteCustomer(actor, id);
  }
}
