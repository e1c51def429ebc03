from . import care_call, helpdesk_ticket
