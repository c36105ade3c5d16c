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
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { CustomerPageResponse, CustomerResponse } from './customer.view.js';
import { CustomersService } from './customers.service.js';
import { CreateCustomerDto } from './dto/create-customer.dto.js';
import { ListCustomersQueryDto } from './dto/list-customers-query.dto.js';
import { UpdateCustomerDto } from './dto/update-customer.dto.js';

/** Customers are workspace-wide: admins and agents alike. */
@ApiTags('customers')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @ApiOkResponse({ type: CustomerPageResponse })
  @ApiErrorResponses(400)
  listCustomers(@CurrentUser() actor: AuthUser, @Query() query: ListCustomersQueryDto) {
    return this.customers.listCustomers(actor, query);
  }

  @Post()
  @ApiCreatedResponse({ type: CustomerResponse })
  @ApiErrorResponses(400)
  createCustomer(@CurrentUser() actor: AuthUser, @Body() dto: CreateCustomerDto) {
    return this.customers.createCustomer(actor, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerResponse })
  @ApiErrorResponses(400, 404)
  getCustomer(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.customers.getCustomer(actor, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: CustomerResponse })
  @ApiErrorResponses(400, 404)
  updateCustomer(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateCustomerDto,
  ) {
    return this.customers.updateCustomer(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses(400, 404)
  async deleteCustomer(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.customers.deleteCustomer(actor, id);
  }
}
