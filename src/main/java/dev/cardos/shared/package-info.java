/**
 * Tiny value types every module uses: prefixed ids, the clock, pages and problems. No business
 * rules live here.
 */
@org.springframework.modulith.ApplicationModule(
    type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.cardos.shared;
